import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { actorOf } from "../../middlewares/authenticate.ts";
import { z } from "zod";
import benefitClaimer, { benefitRedeemer, benefitStatuses } from "../../commands/benefitClaimer.ts";
import { currentProgram } from "../../commands/programStore.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { Member } from "../../models/Member.ts";
import { presentBenefitClaim, presentBenefitStatus, presentRedemption } from "../../presenters/benefit.ts";
import { memberByNo } from "./memberLookup.ts";
import { memberNo } from "./fields.ts";

const BenefitListSchema = z.object({ params: z.object({ memberNo }) });
const BenefitClaimSchema = z.object({ params: z.object({ memberNo, benefitCode: z.string().regex(/^[a-z0-9_]{1,32}$/, "must be a benefit code") }) });
const BenefitRedeemSchema = z.object({
  body: z.object({
    code: z.string().trim().toUpperCase().regex(/^[A-Z2-9]{10}$/, "must be the 10-character redemption code"),
    storeId: z.string().trim().min(1).max(64).optional(),
  }),
});

/**
 * Member benefits (权益): what the member's level offers, claiming, and redemption (核销) by code.
 *
 * @param options the clock.
 * @returns the router (mounted under /api/console).
 */
export function benefitsRouter(options: { now: () => Date }): Router {
  const router = createRouter();
  router.get("/members/:memberNo/benefits", validate(BenefitListSchema), async (ctx) => {
    const { params } = inputOf(ctx, BenefitListSchema);
    const member = await memberByNo(ctx, params.memberNo);
    const { program } = await currentProgram();
    const now = options.now();
    ctx.body = { data: (await benefitStatuses(member, program, now)).map((status) => presentBenefitStatus(status)) };
  });
  router.post("/members/:memberNo/benefits/:benefitCode/claim", validate(BenefitClaimSchema), async (ctx) => {
    const { params } = inputOf(ctx, BenefitClaimSchema);
    const member = await memberByNo(ctx, params.memberNo);
    const { program } = await currentProgram();
    const claimed = await benefitClaimer({ member, benefitCode: params.benefitCode, program, now: options.now() });
    ctx.status = 201;
    ctx.body = { data: presentBenefitClaim(params.benefitCode, claimed) };
  });
  router.post("/benefits/redeem", validate(BenefitRedeemSchema), async (ctx) => {
    const { body } = inputOf(ctx, BenefitRedeemSchema);
    const now = options.now();
    const redeemed = await benefitRedeemer({ code: body.code, userId: actorOf(ctx).userId, storeId: body.storeId ?? null, now });
    const member = await Member.findById(redeemed.memberId, { memberNo: 1 }).lean();
    ctx.body = { data: presentRedemption({ code: body.code, benefitCode: redeemed.benefitCode, memberNo: member?.memberNo, at: now }) };
  });
  return router;
}
