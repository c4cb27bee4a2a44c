import mongoose from "mongoose";
import { compileSegmentFilter, SegmentRuleSchema } from "../domain/segmentRule.ts";
import type { DrawParticipant } from "../domain/drawParticipant.ts";
import { Customer } from "../models/Customer.ts";
import { Follow } from "../models/Follow.ts";
import { Funnel } from "../models/Funnel.ts";
import type { StoredDraw } from "../models/LuckyDraw.ts";
import { Member } from "../models/Member.ts";
import { MemberIdentity } from "../models/MemberIdentity.ts";
import { Segment } from "../models/Segment.ts";
import { currentProgram } from "./programStore.ts";

/** Who the participant is in our data, and whether the draw's conditions hold. */
export interface Eligibility {
  eligible: boolean;
  /** Which condition failed, in plain Chinese; null when eligible. */
  reason: string | null;
  memberId: mongoose.Types.ObjectId | null;
}

/**
 * The participant's member, read by key: the id they came with, else the identity of their
 * WeCom customer or unionid (member_identities' _id is the identity).
 *
 * @param participant who is drawing.
 * @returns the member's id, or null when they are not a member.
 */
export async function memberOfParticipant(participant: DrawParticipant): Promise<mongoose.Types.ObjectId | null> {
  if (participant.memberId && mongoose.isValidObjectId(participant.memberId)) {
    return new mongoose.Types.ObjectId(participant.memberId);
  }
  const keys = [participant.externalUserId ? `customer:${participant.externalUserId}` : null, participant.unionid ? `unionid:${participant.unionid}` : null].filter((key) => key !== null);
  for (const key of keys) {
    const identity = await MemberIdentity.findById(key, { memberId: 1 }).lean();
    if (identity) {
      return identity.memberId;
    }
  }
  return null;
}

/**
 * Check the draw's conditions for one participant. Each condition reads only what it needs, and
 * only when the draw has that condition, so a draw open to everyone costs one member lookup.
 *
 * @param draw the draw.
 * @param participant who is drawing.
 * @param now the clock (segments have time windows).
 * @returns whether they may take part, and why not.
 */
export async function drawEligibility(draw: Pick<StoredDraw, "eligibility">, participant: DrawParticipant, now: Date): Promise<Eligibility> {
  const rules = draw.eligibility ?? { levels: [], tagIds: [], guideUserIds: [], segmentId: null, funnelId: null };
  const memberId = await memberOfParticipant(participant);
  const refuse = (reason: string): Eligibility => ({ eligible: false, reason, memberId });
  const needsMember = rules.levels.length > 0 || Boolean(rules.segmentId);
  const member = needsMember && memberId ? await Member.findById(memberId, { levelCode: 1, mergedInto: 1 }).lean() : null;
  if (rules.levels.length > 0 && (!member || !rules.levels.includes(member.levelCode))) {
    return refuse(member ? "本活动仅限指定等级的会员参与" : "本活动仅限会员参与，请先注册会员");
  }
  const externalUserId = participant.externalUserId ?? null;
  const needsFollows = rules.tagIds.length > 0 || rules.guideUserIds.length > 0;
  const follows = needsFollows && externalUserId ? await Follow.find({ externalUserId, status: "active" }, { userId: 1, tagIds: 1 }).lean() : [];
  if (rules.tagIds.length > 0 && !follows.some((follow) => follow.tagIds.some((tagId) => rules.tagIds.includes(tagId)))) {
    return refuse("本活动仅限指定客户参与");
  }
  if (rules.guideUserIds.length > 0 && !follows.some((follow) => rules.guideUserIds.includes(follow.userId))) {
    return refuse("本活动仅限指定导购的客户参与，请先添加导购");
  }
  if (rules.segmentId) {
    const segment = mongoose.isValidObjectId(rules.segmentId) ? await Segment.findById(rules.segmentId, { rule: 1 }).lean() : null;
    const parsed = segment ? SegmentRuleSchema.safeParse(segment.rule) : null;
    if (!member || !parsed?.success) {
      return refuse("本活动仅限指定会员参与");
    }
    const { program } = await currentProgram();
    const inSegment = await Member.exists({ ...compileSegmentFilter(parsed.data, program, now), _id: member._id });
    if (!inSegment) {
      return refuse("本活动仅限指定会员参与");
    }
  }
  if (rules.funnelId) {
    const funnel = mongoose.isValidObjectId(rules.funnelId) ? await Funnel.findById(rules.funnelId, { groups: 1 }).lean() : null;
    const chatIds = new Set((funnel?.groups ?? []).map((group) => group.chatId).filter((chatId): chatId is string => Boolean(chatId)));
    const customer = externalUserId ? await Customer.findOne({ externalUserId }, { groupChatIds: 1 }).lean() : null;
    if (!customer?.groupChatIds.some((chatId) => chatIds.has(chatId))) {
      return refuse("本活动仅限活动社群成员参与，请先入群");
    }
  }
  return { eligible: true, reason: null, memberId };
}
