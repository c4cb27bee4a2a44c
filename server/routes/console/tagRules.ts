import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { z } from "zod";
import { ConflictError, NotFoundError } from "../../errors.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { TAG_RULE_TRIGGERS, TagRule } from "../../models/TagRule.ts";
import { presentDeletion } from "../../presenters/deletion.ts";
import { presentTagRule } from "../../presenters/tagRule.ts";

const score = z.number().int().min(1, "scores are 1–5").max(5, "scores are 1–5");
const TagRuleBody = z
  .object({
    name: z.string().trim().min(1, "is required").max(40, "is too long"),
    trigger: z.enum(TAG_RULE_TRIGGERS),
    condition: z
      .object({
        states: z.array(z.string().min(1).max(30)).optional(),
        chatIds: z.array(z.string().min(1)).optional(),
        levels: z.array(z.string().min(1)).optional(),
        r: z.array(score).optional(),
        f: z.array(score).optional(),
        m: z.array(score).optional(),
      })
      .default({}),
    tagIds: z.array(z.string().min(1)).min(1, "needs at least one tag").max(20),
    enabled: z.boolean().default(true),
  })
  .superRefine((rule, ctx) => {
    const needed = { channel_state: "states", level: "levels" } as const;
    const key = needed[rule.trigger as keyof typeof needed];
    if (key && !(rule.condition[key]?.length ?? 0)) {
      ctx.addIssue({ code: "custom", path: ["condition", key], message: "is required for this trigger" });
    }
  });
const TagRuleCreateSchema = z.object({ body: TagRuleBody });
const TagRuleUpdateSchema = z.object({ params: z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, "must be a rule id") }), body: TagRuleBody });
const TagRuleIdSchema = z.object({ params: z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, "must be a rule id") }) });

/**
 * Auto-tag rules (why a customer carries a rule's tag is answered with the customer: customers.ts).
 *
 * @returns the router (mounted under /api/console).
 */
export function tagRulesRouter(): Router {
  const router = createRouter();
  router.get("/tag-rules", async (ctx) => {
    ctx.body = { data: (await TagRule.find().sort({ createdAt: 1 }).lean()).map(presentTagRule) };
  });
  router.post("/tag-rules", validate(TagRuleCreateSchema), async (ctx) => {
    const { body } = inputOf(ctx, TagRuleCreateSchema);
    if (await TagRule.exists({ name: body.name })) {
      throw ConflictError("name: 已有同名规则");
    }
    ctx.status = 201;
    ctx.body = { data: presentTagRule((await TagRule.create(body)).toObject()) };
  });
  router.put("/tag-rules/:id", validate(TagRuleUpdateSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, TagRuleUpdateSchema);
    const rule = await TagRule.findByIdAndUpdate(params.id, { $set: body }, { returnDocument: "after", lean: true });
    if (!rule) {
      throw NotFoundError("tag rule");
    }
    ctx.body = { data: presentTagRule(rule) };
  });
  router.delete("/tag-rules/:id", validate(TagRuleIdSchema), async (ctx) => {
    const { params } = inputOf(ctx, TagRuleIdSchema);
    const removed = await TagRule.deleteOne({ _id: params.id });
    if (removed.deletedCount === 0) {
      throw NotFoundError("tag rule");
    }
    ctx.body = { data: presentDeletion(params.id) };
  });
  return router;
}
