// How numbers, times and codes read to a guide. Amounts arrive in fen; whole yuan drop the
// decimals so "¥620" reads like the server's own hints.

/** ¥ from fen: "¥620", "¥12.50". */
export function yuan(fen: number): string {
  const value = fen / 100;
  return `¥${Number.isInteger(value) ? value.toLocaleString("zh-CN") : value.toLocaleString("zh-CN", { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** "2024-05-01" in the browser's zone (China time for our guides). */
export function day(iso: string | null | undefined): string {
  if (!iso) {
    return "";
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** "2024-05-01 14:30". */
export function dayTime(iso: string | null | undefined): string {
  if (!iso) {
    return "";
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : `${day(iso)} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

const CHANNELS: Record<string, string> = { store: "门店", tmall: "天猫", jd: "京东", miniprogram: "小程序", douyin: "抖音", youzan: "有赞" };

/** Sales channel of an order. */
export function channelName(channel: string): string {
  return CHANNELS[channel] ?? channel;
}

const ORDER_STATUS: Record<string, string> = { paid: "已支付", partially_refunded: "部分退款", refunded: "已退款" };

/** Order status. */
export function orderStatusName(status: string): string {
  return ORDER_STATUS[status] ?? status;
}

// follow_user.add_way of externalcontact/get, used when no channel code brought the customer.
const ADD_WAYS: Record<number, string> = {
  0: "未知来源",
  1: "扫描二维码",
  2: "搜索手机号",
  3: "名片分享",
  4: "群聊",
  5: "手机通讯录",
  6: "微信联系人",
  8: "安装第三方应用时添加",
  9: "搜索邮箱",
  10: "视频号添加",
  11: "日程参与人",
  12: "会议参与人",
  13: "添加微信好友对应的企业微信",
  14: "智慧硬件专属客服",
  15: "上门服务客服",
  16: "获客链接",
  17: "定制开发",
  18: "需求回复",
  201: "内部成员共享",
  202: "管理员/负责人分配",
};

/** How the customer added the guide. */
export function addWayName(addWay: number): string {
  return ADD_WAYS[addWay] ?? `其他方式（${addWay}）`;
}

// Two scales reach the server (wecom-reference §2.2, §4.6): groupchat/get says 1 direct invite,
// 2 invite link, 3 group QR; the change_external_chat callback says 0 invited (either way), 3 QR.
const JOIN_SCENES: Record<string, string> = { "0": "由成员邀请", "1": "由成员直接邀请", "2": "通过邀请链接", "3": "扫描群二维码" };

/** How a member joined a customer group. */
export function joinSceneName(scene: number | string | null): string {
  if (scene === null) {
    return "未知方式";
  }
  return JOIN_SCENES[String(scene)] ?? `其他方式（${scene}）`;
}
