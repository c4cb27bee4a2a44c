// The Chinese names of the fields the server's refusals name ("pageSize: must be ≤ 100"). A path
// is looked up without its indexes, longest first ("growth.perTask", then "perTask"), so a name
// used in several bodies needs one entry, and a context-specific one overrides it.

const LABELS: Record<string, string> = {
  // Lists and filters.
  page: "页码",
  pageSize: "每页条数",
  q: "搜索内容",
  from: "开始时间",
  to: "结束时间",
  window: "复购周期",
  status: "状态",
  type: "类型",
  // People and places.
  phone: "手机号",
  name: "名称",
  userId: "员工账号",
  externalUserId: "客户",
  unionid: "UnionID",
  storeId: "门店",
  stores: "门店",
  scopeStoreIds: "管理门店",
  role: "角色",
  guides: "导购",
  groups: "客户群",
  chatId: "客户群",
  chatIds: "客户群",
  memberNo: "会员号",
  into: "合并到的会员",
  // Members and orders.
  levelCode: "等级",
  level: "等级",
  levels: "等级",
  minLevel: "最低等级",
  points: "积分",
  amount: "金额",
  refundedAmount: "已退款金额",
  refundOf: "原订单号",
  orderNo: "订单号",
  channel: "渠道",
  channels: "来源渠道",
  paidAt: "支付时间",
  quantity: "数量",
  orders: "订单",
  items: "商品明细",
  reason: "原因",
  requestId: "请求编号",
  code: "核销码",
  benefitCode: "权益",
  taskId: "任务",
  kind: "类型",
  // Segments.
  description: "说明",
  rule: "条件",
  tags: "标签",
  "tags.any": "含任一标签",
  "tags.all": "含全部标签",
  "tags.none": "不含标签",
  "points.min": "最低积分",
  "points.max": "最高积分",
  spentFen: "累计消费",
  "spentFen.min": "最低累计消费",
  "spentFen.max": "最高累计消费",
  rfm: "RFM",
  "rfm.r": "R 分",
  "rfm.f": "F 分",
  "rfm.m": "M 分",
  lastPurchaseWithinDays: "最近购买天数",
  noPurchaseForDays: "沉默天数",
  birthdayMonth: "生日月份",
  // The programme.
  threshold: "成长值门槛",
  benefits: "权益",
  "benefits.code": "代码",
  "benefits.levels": "适用等级",
  "levels.code": "代码",
  "levels.name": "名称",
  claimWindowDays: "领取期",
  perMember: "每人可领次数",
  stock: "库存",
  redeemWithinDays: "核销期限",
  valueFen: "价值",
  growth: "成长值",
  "growth.perYuan": "每消费 1 元所得成长值",
  "growth.perTask": "每完成任务所得成长值",
  "growth.perSignIn": "每次签到所得成长值",
  "points.perYuan": "每消费 1 元所得积分",
  "points.perTask": "每完成任务所得积分",
  "points.expiryMonths": "积分有效期",
  levelValidity: "等级有效期",
  "levelValidity.months": "等级有效期",
  "levelValidity.onExpiry": "等级到期规则",
  repurchaseWindowDays: "复购周期",
  "rfm.recencyDays": "R 最近购买天数",
  "rfm.frequency": "F 订单数",
  "rfm.monetary": "M 累计消费",
  // Tags and rules.
  trigger: "触发条件",
  condition: "条件",
  "condition.states": "渠道 state",
  "condition.chatIds": "客户群",
  "condition.levels": "会员等级",
  states: "渠道 state",
  tagIds: "标签",
  add: "标签",
  remove: "标签",
  groupName: "标签组名",
  groupIds: "标签组",
  enabled: "启用",
  // Quick replies.
  title: "标题",
  folderId: "分组",
  content: "内容",
  "content.text": "文本内容",
  "content.mediaId": "图片 media_id",
  "content.imageUrl": "图片地址",
  "content.url": "链接地址",
  "content.title": "标题",
  "content.desc": "描述",
  "content.imgUrl": "封面图地址",
  "content.appid": "小程序 AppID",
  "content.page": "页面路径",
  text: "内容",
};

// Lists of records: an index in the path names which one ("第 3 个等级").
const RECORDS: Record<string, string> = { levels: "等级", benefits: "权益", orders: "订单", items: "商品" };

// Bodies the server nests a form in; the person never sees them.
const WRAPPERS = new Set(["body", "query", "params", "rule"]);

const isIndex = (segment: string) => /^\d+$/.test(segment);

function lookup(names: string[]): string | undefined {
  for (let start = 0; start < names.length; start += 1) {
    const label = LABELS[names.slice(start).join(".")];
    if (label) {
      return label;
    }
  }
  return undefined;
}

/**
 * @param path a field path as the server names it ("levels.2.threshold", "rule.rfm.r.0").
 * @returns its Chinese name ("第 3 个等级的成长值门槛", "R 分"), or null when none is known.
 */
export function fieldLabel(path: string): string | null {
  const segments = path.split(/[.[\]]+/).filter(Boolean);
  while (segments.length > 1 && WRAPPERS.has(segments[0] ?? "")) {
    segments.shift();
  }
  const names = segments.filter((segment) => !isIndex(segment));
  const label = lookup(names);
  if (!label) {
    return null;
  }
  // A record's index matters only when the field is inside it; an index into a list of values
  // (levels.1 of a segment rule) just points at one of them.
  const recordAt = segments.findIndex((segment, index) => RECORDS[segment] !== undefined && isIndex(segments[index + 1] ?? "") && index + 2 < segments.length);
  if (recordAt < 0) {
    return label;
  }
  const record = RECORDS[segments[recordAt] ?? ""] ?? "";
  return `第 ${Number(segments[recordAt + 1]) + 1} 个${record}的${label}`;
}
