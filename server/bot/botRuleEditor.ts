import { ValidationError } from "../errors.ts";
import { BotRule, type StoredBotRule } from "../models/BotRule.ts";
import { Funnel } from "../models/Funnel.ts";
import { Group } from "../models/Group.ts";
import { LuckyDraw } from "../models/LuckyDraw.ts";
import { TagGroup } from "../models/TagGroup.ts";
import type { BotRuleInput } from "../routes/console/botRulesSchema.ts";

/**
 * Check what a rule names exists (groups, funnels, the draw, tags) and keep only the fields its
 * trigger, scope and link use. Every unknown reference is reported at once, naming its field.
 *
 * @param input the validated rule.
 * @returns the document fields.
 * @throws ValidationError naming each unknown reference.
 */
async function checked(input: BotRuleInput) {
  const problems: string[] = [];
  const chatIds = input.scope === "groups" ? [...new Set(input.chatIds)] : [];
  if (chatIds.length > 0) {
    const known = await Group.find({ chatId: { $in: chatIds } }, { chatId: 1 }).lean();
    if (known.length !== chatIds.length) {
      problems.push("chatIds: 所选客户群不存在");
    }
  }
  const funnelId = input.scope === "funnel" ? input.funnelId : null;
  if (funnelId && !(await Funnel.exists({ _id: funnelId }))) {
    problems.push("funnelId: 群活码不存在");
  }
  const drawSlug = input.link === "draw" ? input.drawSlug : null;
  if (drawSlug && !(await LuckyDraw.exists({ slug: drawSlug }))) {
    problems.push("drawSlug: 抽奖活动不存在");
  }
  const linkFunnelId = input.link === "funnel" ? input.linkFunnelId : null;
  if (linkFunnelId && !(await Funnel.exists({ _id: linkFunnelId }))) {
    problems.push("linkFunnelId: 群活码不存在");
  }
  const tagIds = [...new Set(input.tagIds)];
  if (tagIds.length > 0) {
    const groups = await TagGroup.find({ "tags.id": { $in: tagIds }, deleted: false }, { tags: 1 }).lean();
    const live = new Set(groups.flatMap((group) => group.tags.filter((tag) => !tag.deleted).map((tag) => tag.id)));
    if (tagIds.some((tagId) => !live.has(tagId))) {
      problems.push("tagIds: 所选标签不存在或已删除");
    }
  }
  if (problems.length > 0) {
    throw ValidationError(problems[0] as string, problems.length > 1 ? problems : undefined);
  }
  const keyword = input.trigger === "keyword";
  return {
    name: input.name,
    enabled: input.enabled,
    trigger: input.trigger,
    keyword: keyword ? input.keyword : "",
    match: input.match,
    scope: input.scope,
    chatIds,
    funnelId,
    replyText: input.replyText,
    link: input.link,
    drawSlug,
    linkFunnelId,
    mention: input.mention,
    tagIds: keyword ? tagIds : [],
    cooldownSeconds: input.cooldownSeconds,
  };
}

/**
 * @param input the validated rule.
 * @returns the stored rule.
 */
export async function createBotRule(input: BotRuleInput): Promise<StoredBotRule> {
  const created = await BotRule.create(await checked(input));
  return created.toObject() as StoredBotRule;
}

/**
 * @param id the rule.
 * @param input the whole rule, as on create.
 * @returns the stored rule, or null when there is none with that id.
 */
export async function updateBotRule(id: string, input: BotRuleInput): Promise<StoredBotRule | null> {
  const fields = await checked(input);
  return BotRule.findByIdAndUpdate(id, { $set: fields }, { returnDocument: "after" }).lean<StoredBotRule>();
}
