import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { Types } from "mongoose";
import { identityBinder } from "../../commands/memberMatcher.ts";
import memberMerger, { memberMergeUndoer } from "../../commands/memberMerger.ts";
import activityRecorder from "../../commands/activityRecorder.ts";
import pointsSpender from "../../commands/pointsSpender.ts";
import { currentProgram } from "../../commands/programStore.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { Member } from "../../models/Member.ts";
import { memberScopeFilter } from "../../security/authorization.ts";
import { normalizePhone, phoneHash } from "../../security/personalData.ts";
import { presentMember } from "../../presenters/member.ts";
import {
  MemberBindSchema,
  MemberInfoSchema,
  MemberMergeSchema,
  MergeUndoSchema,
  PointsSpendSchema,
  ActivitySchema,
  MemberListSchema,
} from "./schema.ts";
import { memberByNo } from "./memberLookup.ts";
import { chinaDate } from "../../domain/chinaTime.ts";
import { escapeRegex } from "../../domain/regex.ts";

/** A member number, a phone (matched by its HMAC, never stored plain) or part of a name. */
function memberSearch(q: string): Record<string, unknown> {
  if (/^M\d{8,}$/.test(q)) {
    return { memberNo: q };
  }
  const phone = normalizePhone(q);
  if (phone) {
    return { phoneHash: phoneHash(phone) };
  }
  return { name: { $regex: escapeRegex(q), $options: "i" } };
}

/**
 * Console member routes: profile, points spending, guide binding, merge and undo.
 *
 * @param options the clock.
 * @returns the router (mounted under /api/console).
 */
export function membersRouter(options: { now: () => Date }): Router {
  const router = createRouter();

  router.get("/members", validate(MemberListSchema), async (ctx) => {
    const { query } = inputOf(ctx, MemberListSchema);
    const conditions: Record<string, unknown>[] = [{ mergedInto: null }, await memberScopeFilter(actorOf(ctx))];
    if (query.levelCode) {
      conditions.push({ levelCode: query.levelCode });
    }
    if (query.storeId) {
      conditions.push({ homeStoreId: query.storeId });
    }
    if (query.q) {
      conditions.push(memberSearch(query.q));
    }
    const filter = { $and: conditions };
    const [members, total, { program }] = await Promise.all([
      Member.find(filter)
        .sort({ joinedAt: -1, _id: -1 })
        .skip((query.page - 1) * query.pageSize)
        .limit(query.pageSize)
        .lean(),
      Member.countDocuments(filter),
      currentProgram(),
    ]);
    const now = options.now();
    ctx.body = {
      data: members.map((member) => ({ ...presentMember(member, program, now), homeStoreId: member.homeStoreId ?? null })),
      pagination: { page: query.page, pageSize: query.pageSize, total },
    };
  });

  router.get("/members/:memberNo", validate(MemberInfoSchema), async (ctx) => {
    const { params } = inputOf(ctx, MemberInfoSchema);
    const member = await memberByNo(ctx, params.memberNo);
    const { program } = await currentProgram();
    ctx.body = { data: presentMember(member, program, options.now()) };
  });

  router.post("/members/:memberNo/activities", validate(ActivitySchema), async (ctx) => {
    const { params, body } = inputOf(ctx, ActivitySchema);
    const member = await memberByNo(ctx, params.memberNo);
    const { program } = await currentProgram();
    const now = options.now();
    // China's calendar day: one sign-in per day as the member sees it.
    const day = chinaDate(now);
    const sourceId = `${member._id}:${body.kind === "task" ? body.taskId : day}`;
    const credited = await activityRecorder({ memberId: member._id, kind: body.kind, sourceId, program, now });
    ctx.status = credited.replayed ? 200 : 201;
    ctx.body = { data: credited };
  });

  router.post("/members/:memberNo/points/spend", validate(PointsSpendSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, PointsSpendSchema);
    const member = await memberByNo(ctx, params.memberNo);
    const outcome = await pointsSpender({ memberId: member._id, amount: body.amount, requestId: body.requestId, reason: body.reason, now: options.now() });
    ctx.body = { data: { memberNo: member.memberNo, points: outcome.balance, replayed: outcome.replayed } };
  });

  router.post("/members/:memberNo/bindings", validate(MemberBindSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, MemberBindSchema);
    const member = await memberByNo(ctx, params.memberNo);
    const { program } = await currentProgram();
    await identityBinder({
      memberId: member._id,
      claims: { externalUserId: body.externalUserId },
      via: "guide_binding",
      byUserId: actorOf(ctx).userId,
      program,
      now: options.now(),
    });
    ctx.body = { data: { memberNo: member.memberNo } };
  });

  router.post("/members/merge", validate(MemberMergeSchema), async (ctx) => {
    const { body } = inputOf(ctx, MemberMergeSchema);
    const [from, into] = await Promise.all([memberByNo(ctx, body.from), memberByNo(ctx, body.into)]);
    const mergeId = await memberMerger({ fromMemberId: from._id, intoMemberId: into._id, reason: body.reason, byUserId: actorOf(ctx).userId, now: options.now() });
    ctx.status = 201;
    ctx.body = { data: { mergeId } };
  });

  router.post("/member-merges/:mergeId/undo", validate(MergeUndoSchema), async (ctx) => {
    const { params } = inputOf(ctx, MergeUndoSchema);
    await memberMergeUndoer({ mergeId: new Types.ObjectId(params.mergeId), now: options.now() });
    ctx.body = { data: { mergeId: params.mergeId, undone: true } };
  });

  return router;
}
