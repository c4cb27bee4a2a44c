// Helpers of the program editor: copying the program, and naming in Chinese the field a server
// validation message points at ("levels.1.threshold: must be above the previous level's").
import type { Program } from "./types";

/**
 * @param program a program.
 * @returns a deep copy to edit.
 */
export const cloneProgram = (program: Program): Program => JSON.parse(JSON.stringify(program)) as Program;

/**
 * What is sent on save: a cleared stock means unlimited, which the server expects as absent.
 *
 * @param program the edited program.
 * @returns the body of `PUT /program`.
 */
export function programToSave(program: Program): Program {
  const copy = cloneProgram(program);
  copy.benefits = copy.benefits.map((benefit) => {
    const { stock, ...rest } = benefit;
    return typeof stock === "number" ? { ...rest, stock } : rest;
  });
  return copy;
}

const SECTIONS: Record<string, { label: string; fields: Record<string, string> }> = {
  levels: { label: "等级", fields: { code: "代码", name: "名称", threshold: "成长值门槛" } },
  benefits: {
    label: "权益",
    fields: { code: "代码", name: "名称", kind: "类型", levels: "适用等级", claimWindowDays: "领取期", perMember: "每人可领", stock: "库存", redeemWithinDays: "核销期限", valueFen: "价值" },
  },
  growth: { label: "成长值", fields: { perYuan: "每消费 1 元", perTask: "每完成任务", perSignIn: "每次签到" } },
  points: { label: "积分", fields: { perYuan: "每消费 1 元", perTask: "每完成任务", expiryMonths: "有效期" } },
  levelValidity: { label: "等级有效期", fields: { months: "有效月数", onExpiry: "到期规则" } },
  rfm: { label: "RFM", fields: { recencyDays: "R 最近购买天数", frequency: "F 订单数", monetary: "M 累计消费" } },
  repurchaseWindowDays: { label: "复购周期", fields: {} },
};

/**
 * @param message a server message "path: text".
 * @returns where that is in the form, e.g. "第 2 个等级 · 成长值门槛", or null when unknown.
 */
export function describeField(message: string): string | null {
  const path = /^([\w.]+):/.exec(message)?.[1];
  if (!path) {
    return null;
  }
  const [section, second, third] = path.split(".");
  const known = SECTIONS[section ?? ""];
  if (!known) {
    return null;
  }
  if ((section === "levels" || section === "benefits") && second !== undefined && /^\d+$/.test(second)) {
    const field = third ? (known.fields[third] ?? third) : "";
    return `第 ${Number(second) + 1} 个${known.label}${field ? ` · ${field}` : ""}`;
  }
  const field = second ? (known.fields[second] ?? second) : "";
  return field ? `${known.label} · ${field}` : known.label;
}
