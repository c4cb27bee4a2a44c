import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { z } from "zod";
import { benefitRedeemer } from "../../commands/benefitClaimer.ts";
import followTagger from "../../commands/followTagger.ts";
import { completeTasksByAction } from "../../commands/taskCompleter.ts";
import { NotFoundError } from "../../errors.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { BenefitClaim } from "../../models/BenefitClaim.ts";
import { Customer } from "../../models/Customer.ts";
import { CustomerNote } from "../../models/CustomerNote.ts";
import { Employee } from "../../models/Employee.ts";
import { Member } from "../../models/Member.ts";
import { TagGroup } from "../../models/TagGroup.ts";
import { presentRedemption } from "../../presenters/benefit.ts";
import { presentNote } from "../../presenters/sidebarCustomer.ts";
import { presentFollowTags, presentSidebarTagGroup, tagIndex } from "../../presenters/tag.ts";
import { assertCustomer, assertMember } from "../../security/authorization.ts";
import type { WeComClient } from "../../wecom/client.ts";
import { customerProfile } from "./customerProfile.ts";

export const RECENT_NOTES = 20;

const externalUserId = z.string().trim().min(1).max(128);
const tagId = z.string().trim().min(1).max(128);
const ProfileSchema = z.object({ params: z.object({ externalUserId }) });
const TagsSchema = z.object({
  params: z.object({ externalUserId }),
  body: z
    .object({ add: z.array(tagId).max(100).default([]), remove: z.array(tagId).max(100).default([]) })
    .refine((body) => body.add.length + body.remove.length > 0, { message: "add or remove must name a tag", path: ["add"] }),
});
const NoteSchema = z.object({ params: z.object({ externalUserId }), body: z.object({ text: z.string().trim().min(1, "must not be empty").max(1000) }) });
const RedeemSchema = z.object({ body: z.object({ code: z.string().trim().min(1).max(64) }) });

/**
 * The sidebar's customer routes: every one first asks authorization whether this guide may see
 * the customer, so a guide never reads or changes another guide's customer.
 *
 * @param options the WeCom client and the clock.
 * @returns the router (mounted under /api/sidebar).
 */
export function sidebarCustomersRouter(options: { wecom: WeComClient; now: () => Date }): Router {
  const router = createRouter();

  router.get("/customers/:externalUserId", validate(ProfileSchema), async (ctx) => {
    const { params } = inputOf(ctx, ProfileSchema);
    const actor = actorOf(ctx);
    await assertCustomer(actor, params.externalUserId);
    const profile = await customerProfile(params.externalUserId, actor.userId, options.now());
    if (!profile) {
      throw NotFoundError("customer");
    }
    ctx.body = { data: profile };
  });

  router.post("/customers/:externalUserId/tags", validate(TagsSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, TagsSchema);
    const actor = actorOf(ctx);
    await assertCustomer(actor, params.externalUserId);
    if (!actor.userId) {
      throw NotFoundError("follow");
    }
    const tagIds = await followTagger({ wecom: options.wecom, userId: actor.userId, externalUserId: params.externalUserId, add: body.add, remove: body.remove });
    ctx.body = { data: presentFollowTags(tagIds, tagIndex(await TagGroup.find({}).lean())) };
  });

  router.post("/customers/:externalUserId/notes", validate(NoteSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, NoteSchema);
    const actor = actorOf(ctx);
    await assertCustomer(actor, params.externalUserId);
    const author = actor.userId ?? "api_token";
    const note = await CustomerNote.create({ externalUserId: params.externalUserId, authorUserId: author, text: body.text });
    await Customer.updateOne({ externalUserId: params.externalUserId }, { $push: { recentNoteIds: { $each: [note._id], $slice: -RECENT_NOTES } } });
    // A note is the guide's work on the customer: their open tasks for this customer are done.
    if (actor.userId) {
      await completeTasksByAction({ externalUserId: params.externalUserId, userId: actor.userId, action: "note", at: options.now() });
    }
    const employee = await Employee.findOne({ userId: author }, { name: 1 }).lean();
    ctx.status = 201;
    ctx.body = { data: presentNote(note.toObject(), employee?.name) };
  });

  router.post("/benefits/redeem", validate(RedeemSchema), async (ctx) => {
    const { body } = inputOf(ctx, RedeemSchema);
    const actor = actorOf(ctx);
    const claim = await BenefitClaim.findById(body.code, { memberId: 1 }).lean();
    const member = claim ? await Member.findById(claim.memberId, { memberNo: 1, homeStoreId: 1, guideUserIds: 1 }).lean() : null;
    if (!claim || !member) {
      throw NotFoundError("code: redemption code");
    }
    // Checked before redeeming: a code of someone else's customer must not be used up.
    await assertMember(actor, member);
    const now = options.now();
    const employee = actor.userId ? await Employee.findOne({ userId: actor.userId }, { mainDepartmentId: 1 }).lean() : null;
    const storeId = employee?.mainDepartmentId ? String(employee.mainDepartmentId) : null;
    const redeemed = await benefitRedeemer({ code: body.code, userId: actor.userId, storeId, now });
    ctx.body = { data: presentRedemption({ code: body.code, benefitCode: redeemed.benefitCode, memberNo: member.memberNo, at: now }) };
  });

  router.get("/tags", async (ctx) => {
    const groups = await TagGroup.find({ deleted: { $ne: true } }).sort({ order: -1 }).lean();
    ctx.body = { data: groups.map(presentSidebarTagGroup) };
  });
  return router;
}
