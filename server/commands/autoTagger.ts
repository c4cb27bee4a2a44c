import type { Types } from "mongoose";
import { memberMetrics } from "../domain/metrics.ts";
import type { Program } from "../domain/program.ts";
import { Follow } from "../models/Follow.ts";
import { Member } from "../models/Member.ts";
import { TagApplication } from "../models/TagApplication.ts";
import { TagRule, type TagRuleAttrs } from "../models/TagRule.ts";
import type { WeComClient } from "../wecom/client.ts";
import followTagger from "./followTagger.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";

type Rule = TagRuleAttrs & { _id: Types.ObjectId };
type Fact =
  | { kind: "channel_state"; state: string; userId: string }
  | { kind: "group_join"; chatId: string }
  | { kind: "level"; levelCode: string }
  | { kind: "rfm"; r: number; f: number; m: number };

/**
 * Apply the enabled rules that match a fact about a customer: mark_tag in WeCom for each
 * follow concerned (the guide the customer added, or all the customer's guides), and record why.
 * A tag a rule already applied to a follow is not applied again.
 *
 * @param props client, customer, the fact and the clock.
 * @returns how many tags were applied now.
 */
export default async function autoTagger(props: { wecom: WeComClient; externalUserId: string; fact: Fact; now: Date }): Promise<number> {
  const rules = (await TagRule.find({ enabled: true, trigger: props.fact.kind }).lean()) as Rule[];
  let applied = 0;
  for (const rule of rules.filter((candidate) => matches(candidate, props.fact))) {
    const follows =
      props.fact.kind === "channel_state"
        ? [{ userId: props.fact.userId }]
        : await Follow.find({ externalUserId: props.externalUserId, status: "active" }, { userId: 1 }).lean();
    for (const follow of follows) {
      applied += await applyRule(rule, props.externalUserId, follow.userId, reasonOf(rule, props.fact), props);
    }
  }
  return applied;
}

/**
 * The nightly pass: level and RFM rules for every member with WeCom customers.
 *
 * @param props client, program and clock.
 * @returns how many tags were applied.
 */
export async function autoTagMembers(props: { wecom: WeComClient; program: Program; now: Date }): Promise<number> {
  const hasRules = await TagRule.exists({ enabled: true, trigger: { $in: ["level", "rfm"] } });
  if (!hasRules) {
    return 0;
  }
  const cursor = Member.find({ mergedInto: null, "externalUserIds.0": { $exists: true } }, { levelCode: 1, metrics: 1, externalUserIds: 1 }).lean().cursor();
  let applied = 0;
  for await (const member of cursor) {
    const metrics = memberMetrics(
      {
        totalSpent: member.metrics?.totalSpent ?? 0,
        orderCount: member.metrics?.orderCount ?? 0,
        lastPurchaseAt: member.metrics?.lastPurchaseAt ?? null,
        purchaseTimes: member.metrics?.purchaseTimes ?? [],
      },
      props.program,
      props.now,
    );
    for (const externalUserId of member.externalUserIds) {
      applied += await autoTagger({ ...props, externalUserId, fact: { kind: "level", levelCode: member.levelCode } });
      applied += await autoTagger({ ...props, externalUserId, fact: { kind: "rfm", ...metrics.rfm } });
    }
  }
  return applied;
}

function matches(rule: Rule, fact: Fact): boolean {
  const condition = rule.condition ?? {};
  switch (fact.kind) {
    case "channel_state":
      return (condition.states ?? []).includes(fact.state);
    case "group_join":
      return (condition.chatIds ?? []).length === 0 || (condition.chatIds ?? []).includes(fact.chatId);
    case "level":
      return (condition.levels ?? []).includes(fact.levelCode);
    case "rfm":
      return (["r", "f", "m"] as const).every((score) => (condition[score] ?? []).length === 0 || (condition[score] ?? []).includes(fact[score]));
  }
}

function reasonOf(rule: Rule, fact: Fact): string {
  switch (fact.kind) {
    case "channel_state":
      return `规则「${rule.name}」：通过渠道活码 ${fact.state} 添加`;
    case "group_join":
      return `规则「${rule.name}」：加入客户群 ${fact.chatId}`;
    case "level":
      return `规则「${rule.name}」：会员等级 ${fact.levelCode}`;
    case "rfm":
      return `规则「${rule.name}」：RFM ${fact.r}${fact.f}${fact.m}`;
  }
}

async function applyRule(rule: Rule, externalUserId: string, userId: string, reason: string, props: { wecom: WeComClient; now: Date }): Promise<number> {
  const fresh: string[] = [];
  for (const tagId of rule.tagIds) {
    const id = `${rule._id}:${externalUserId}:${userId}:${tagId}`;
    if (!(await TagApplication.exists({ _id: id }))) {
      fresh.push(tagId);
    }
  }
  if (fresh.length === 0) {
    return 0;
  }
  await followTagger({ wecom: props.wecom, userId, externalUserId, add: fresh, remove: [] });
  for (const tagId of fresh) {
    await TagApplication.create({ _id: `${rule._id}:${externalUserId}:${userId}:${tagId}`, ruleId: rule._id, externalUserId, userId, tagId, reason, at: props.now }).catch(
      (error: unknown) => {
        if (!isDuplicateKeyError(error)) {
          throw error;
        }
      },
    );
  }
  return fresh.length;
}
