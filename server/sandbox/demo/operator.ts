// What the brand's people set up in the console around the demo's customers: the managers' and
// the operator's roles (the product's role command, as an admin would assign them), then, logged
// in as the operator, an auto-tag rule giving the live stream's customers their 客户来源 tag
// (before they come) and saved segments (once their orders are in).
import roleAssigner from "../../commands/roleAssigner.ts";
import type { Role } from "../../models/Employee.ts";
import type { SegmentRule } from "../../domain/segmentRule.ts";
import { AppError } from "../../errors.ts";
import { getLogger } from "../../logging/logger.ts";
import { ConsoleSession } from "../consoleSession.ts";
import { CONTACT_WAYS, MANAGERS, OPERATOR } from "../demoData.ts";
import { SandboxTagGroup } from "../models/index.ts";
import { employeeRoles } from "./product.ts";

const SOURCE_RULE = "渠道活码自动打来源标签";
// The directory's callbacks may still be on their way when the demo starts.
const DIRECTORY_WAIT_MS = 30_000;

/**
 * Give the managers and the operator their roles (only people still at the default guide role:
 * an admin's choices stay), log in as the operator and add the source-tag rule unless it is there.
 *
 * @param productUrl the product's origin.
 * @param now the clock.
 * @returns the operator's console session, or null when she cannot set things up (not an
 *   employee yet, or given a role without the tags and segments areas).
 */
export async function setUpOperator(productUrl: string, now: Date): Promise<ConsoleSession | null> {
  const roles = await employeeRoles([...MANAGERS, OPERATOR].map((person) => person.userid), DIRECTORY_WAIT_MS);
  for (const manager of MANAGERS) {
    await assignRole(roles, manager.userid, "manager", manager.department.map(String), now);
  }
  await assignRole(roles, OPERATOR.userid, "operator", [], now);
  if (!["operator", "admin"].includes(roles.get(OPERATOR.userid) ?? "")) {
    getLogger("lifecycle", { component: "sandbox-demo" }).warn({ userId: OPERATOR.userid, role: roles.get(OPERATOR.userid) ?? null }, "the operator cannot set up tag rules and segments: skipped");
    return null;
  }
  const session = await ConsoleSession.login(productUrl, OPERATOR.userid);
  await addSourceRules(session);
  return session;
}

async function assignRole(roles: Map<string, string>, userId: string, role: Role, scopeStoreIds: string[], now: Date): Promise<void> {
  if (roles.get(userId) !== "guide") {
    return;
  }
  try {
    await roleAssigner({ userId, role, scopeStoreIds, changedBy: "sandbox-demo", now });
    roles.set(userId, role);
  } catch (error) {
    // A store the directory has not stored yet: the person stays a guide; the demo goes on.
    if (!(error instanceof AppError)) {
      throw error;
    }
  }
}

/** One rule per 客户来源 tag whose channel codes the rule tags (the live stream's). */
async function addSourceRules(session: ConsoleSession): Promise<void> {
  const existing = await expect(session.call<{ name: string }[]>("GET", "/tag-rules"), [200]);
  const names = new Set((existing.data ?? []).map((rule) => rule.name));
  const sourceGroup = await SandboxTagGroup.findOne({ group_name: "客户来源" }).lean();
  for (const tag of sourceGroup?.tag ?? []) {
    const states = CONTACT_WAYS.filter((way) => way.ruleTagged && way.sourceTag === tag.name).map((way) => way.state);
    const name = `${SOURCE_RULE}：${tag.name}`;
    if (states.length > 0 && !names.has(name)) {
      // 409: another run saved it meanwhile.
      await expect(session.call("POST", "/tag-rules", { name, trigger: "channel_state", condition: { states }, tagIds: [tag.id], enabled: true }), [201, 409]);
    }
  }
}

/**
 * Saved segments an operator would make, by tag names and levels; a name already saved is left
 * alone (the console answers 409).
 *
 * @param session the operator's console session.
 */
export async function saveSegments(session: ConsoleSession): Promise<void> {
  const tagGroups = await SandboxTagGroup.find().lean();
  const tagId = (group: string, name: string) => tagGroups.find((candidate) => candidate.group_name === group)?.tag.find((tag) => tag.name === name)?.id;
  const sensitive = tagId("肤质", "敏感肌");
  const skincare = tagId("兴趣", "护肤");
  const segments: { name: string; description: string; rule: SegmentRule }[] = [
    { name: "银卡及以上会员", description: "会员等级银卡、金卡、黑金", rule: { minLevel: "silver" } },
    { name: "沉睡会员（90 天未购）", description: "买过，但 90 天内没有再买", rule: { noPurchaseForDays: 90 } },
    { name: "近 30 天活跃会员", description: "30 天内有购买", rule: { lastPurchaseWithinDays: 30 } },
    ...(sensitive && skincare ? [{ name: "敏感肌 · 爱护肤", description: "敏感肌且对护肤感兴趣", rule: { tags: { all: [sensitive, skincare] } } }] : []),
    { name: "上海南京西路店会员", description: "归属门店 101", rule: { stores: ["101"] } },
  ];
  for (const segment of segments) {
    await expect(session.call("POST", "/segments", segment), [201, 409]);
  }
}

async function expect<T>(answer: Promise<{ status: number; data: T | undefined; message: string }>, statuses: number[]) {
  const settled = await answer;
  if (!statuses.includes(settled.status)) {
    throw new Error(`管理后台拒绝了演示数据的设置（HTTP ${settled.status}）：${settled.message}`);
  }
  return settled;
}
