// What a person reads when the server refuses. The server answers stable ids and
// "field: message" (docs/sidebar-api.md), written for developers and sometimes in English
// ("pageSize: must be ≤ 100", "segment not found"); this turns them into Chinese sentences
// ("每页条数不能超过 100", "找不到该人群") and keeps the field's path so a form can show the
// sentence at that field. Messages the server already writes in Chinese pass through.
import { fieldLabel } from "./fieldLabels";

/** A refusal in words for people. */
export interface Described {
  /** The whole sentence, e.g. "每页条数不能超过 100". */
  text: string;
  /** The field's path as the server named it ("levels.2.threshold"), or null. */
  field: string | null;
}

type Rewrite = [RegExp, string | ((...groups: string[]) => string)];

// English refusals (our schemas' own words and zod's defaults) as predicates of the field.
const PREDICATES: Rewrite[] = [
  [/^(is required|must not be empty|is missing|is required for this trigger|is empty)$/, "不能为空"],
  [/^is too long$/, "太长"],
  [/^is too large$/, "太大"],
  [/^must be at most (\d+) characters$/, "不能超过 $1 个字"],
  [/^must be an integer number of fen$/, "须精确到分"],
  [/^must be an integer$/, "须为整数"],
  [/^must be a number$/, "须为数字"],
  [/^must be a whole number of days$/, "须为整天数"],
  [/^must be ≤ ([\d,.]+)$/, "不能超过 $1"],
  [/^must be ≥ the minimum \w+$/, "不能小于最小值"],
  [/^must be ≥ ([\d,.]+)$/, "不能小于 $1"],
  [/^(must be a score 1–5|scores are 1–5)$/, "须为 1–5 分"],
  [/^must be a month 1–12$/, "须为 1–12 月"],
  [/^at most (\d+) (?:values|scores|levels|per request|at once)$/, "最多 $1 个"],
  [/^has too many stores$/, "选择的门店太多"],
  [/^needs at least one tag$/, "至少选择一个标签"],
  [/^needs at least one level$/, "至少选择一个等级"],
  [/^must be one of .+$/, "不是可选的值"],
  [/^must be a member number like (\S+)$/, "须为会员号，如 $1"],
  [/^must be an? [\w ()]+ id$/, "编号无效"],
  [/^invalid value$|^invalid$/, "取值无效"],
  [/^unknown level "(.+)"$/, "「$1」不是现有的等级"],
  [/^must be less than lastPurchaseWithinDays, or nobody matches$/, "须少于最近购买天数，否则没有会员符合"],
  [/^must be an ISO 8601 time$/, "时间格式不正确"],
  [/^must be 45, 90, 180 or 365$/, "须为 45、90、180 或 365 天"],
  [/^must be before to$/, "须早于结束时间"],
  [/^cannot exceed amount$/, "不能超过订单金额"],
  [/^is required for a refund record \(negative amount\)$/, "退款记录（金额为负）必须填写"],
  [/^the first level starts at 0$/, "须为 0（第一个等级从 0 开始）"],
  [/^must be above the previous level's$/, "须高于上一个等级"],
  [/^is used twice$/, "重复了"],
  [/^must be 1–32 lowercase letters, digits or _$/, "须为 1–32 位小写字母、数字或下划线"],
  [/^must be an http\(s\) URL$/, "须为 http:// 或 https:// 开头的地址"],
  [/^must end in \.html/, "须以 .html 结尾，如 pages/index.html"],
  [/^must be a mini-program AppID/, "须为 wx 开头的小程序 AppID"],
  [/^must be the 10-character redemption code$/, "须为 10 位核销码"],
  [/^must be a channel code/, "须为渠道代码，如 tmall、jd、store"],
  [/^must be [\d–-]+ letters, digits/, "格式不正确"],
  // zod's own words, for rules that carry no message of ours.
  [/^Too big: expected (?:number|int|bigint) to be <=(\S+)$/, "不能超过 $1"],
  [/^Too big: expected (?:number|int|bigint) to be <(\S+)$/, "须小于 $1"],
  [/^Too small: expected (?:number|int|bigint) to be >=(\S+)$/, "不能小于 $1"],
  [/^Too small: expected (?:number|int|bigint) to be >(\S+)$/, "须大于 $1"],
  [/^Too big: expected string to have <=(\d+) characters$/, "不能超过 $1 个字"],
  [/^Too small: expected string to have >=(\d+) characters$/, "至少 $1 个字"],
  [/^Too big: expected array to have <=(\d+) items$/, "最多 $1 项"],
  [/^Too small: expected array to have >=(\d+) items$/, "至少 $1 项"],
  [/^Invalid input: expected (\w+), received (\w+)$/, (expected) => `应为${TYPE_NAMES[expected] ?? "其他类型的值"}`],
  [/^Invalid option/, "不是可选的值"],
  [/^Invalid (string|input|ISO|email|url|URL)/, "格式不正确"],
  [/^Unrecognized keys?/, "含有不认识的字段"],
];

// English refusals that name more than one field: whole sentences.
const SENTENCES: Rewrite[] = [
  [/^use either levels or minLevel, not both$/, "「指定等级」和「某等级及以上」只能选一种"],
  [/^add or remove must name a tag$/, "请至少选择一个要添加或移除的标签"],
  [/^name or order is required$/, "请填写名称"],
];

const TYPE_NAMES: Record<string, string> = { string: "文字", number: "数字", int: "整数", boolean: "是或否", array: "列表", object: "对象", date: "日期" };

// "<thing> not found" (server/errors.ts NotFoundError) by thing.
const NOT_FOUND: Record<string, string> = {
  member: "找不到该会员",
  segment: "找不到该人群，可能已被删除",
  "tag rule": "找不到该规则，可能已被删除",
  tag: "找不到该标签，可能已被删除",
  benefit: "找不到该权益",
  customer: "找不到该客户",
  group: "找不到该客户群",
  employee: "找不到该员工",
  follow: "您没有跟进该客户",
  merge: "找不到该合并记录",
  "quick reply": "找不到该话术，可能已被删除",
  "quick reply folder": "找不到该分组，可能已被删除",
  "redemption code": "核销码不存在",
  route: "找不到该页面",
  resource: "找不到该记录",
};

// When the message alone says nothing a person can use: by the server's stable error id.
const BY_ID: Record<string, string> = {
  network_error: "网络异常，点击重试",
  authentication_required: "登录已过期，请重新登录",
  authorization_error: "您没有权限执行此操作",
  not_found: "找不到该记录",
  conflict: "与已有数据冲突，请刷新后重试",
  payload_too_large: "提交的内容太大",
  unsupported_media_type: "请求格式不受支持",
  too_many_requests: "操作太频繁，请稍后再试",
  not_configured: "服务器尚未完成配置，请联系管理员",
  wecom_error: "企业微信返回错误，请稍后重试",
  internal_error: "服务器异常，请稍后重试",
  bad_request: "请求有误，请刷新后重试",
  validation_error: "填写的内容有误，请检查",
};

const CHINESE = /[\u4e00-\u9fff]/;
// Chinese predicates that need the field in front ("不能超过 10,000" → "每完成任务所得成长值不能超过 10,000").
const NEEDS_SUBJECT = /^(不能|不可|须|应为|必须|至少|最多|只能)/;

function rewrite(rules: Rewrite[], text: string): string | null {
  for (const [pattern, replacement] of rules) {
    const match = pattern.exec(text);
    if (match) {
      return typeof replacement === "string" ? text.replace(pattern, replacement) : replacement(...match.slice(1));
    }
  }
  return null;
}

function splitField(message: string): { field: string | null; rest: string } {
  // "levels.2.threshold: …", "body.a[0].__proto__: …", "unionid / phone: …"
  const match = /^([A-Za-z_$][\w$.[\]]*(?: \/ [A-Za-z_$][\w$.[\]]*)*): ([\s\S]+)$/.exec(message);
  return match ? { field: match[1] ?? null, rest: match[2] ?? "" } : { field: null, rest: message };
}

function fieldName(field: string): string {
  return field
    .split(" / ")
    .map((one) => fieldLabel(one) ?? "该项")
    .join("或");
}

/**
 * @param status the HTTP status (0: no answer).
 * @param code the server's stable error id.
 * @param message the server's message ("field: …" or a sentence).
 * @returns the refusal as a Chinese sentence, and the field it names.
 */
export function describeFailure(status: number, code: string, message: string): Described {
  const { field, rest } = splitField(message.trim());
  if (status === 404 || code === "not_found") {
    const thing = /^(.+) not found$/.exec(rest)?.[1];
    if (thing !== undefined || !CHINESE.test(rest)) {
      return { text: (thing && NOT_FOUND[thing]) || BY_ID.not_found || "", field };
    }
  }
  const sentence = rewrite(SENTENCES, rest);
  if (sentence) {
    return { text: sentence, field };
  }
  const predicate = CHINESE.test(rest) ? rest : rewrite(PREDICATES, rest);
  if (predicate && field) {
    return { text: NEEDS_SUBJECT.test(predicate) || !CHINESE.test(rest) ? `${fieldName(field)}${predicate}` : predicate, field };
  }
  if (predicate) {
    return { text: predicate, field };
  }
  if (field && code === "validation_error") {
    return { text: `${fieldName(field)}填写有误`, field };
  }
  if (status === 0) {
    return { text: BY_ID.network_error ?? "", field };
  }
  return { text: BY_ID[code] ?? (status >= 500 ? "服务器异常，请稍后重试" : `请求失败（${status}），请稍后重试`), field };
}
