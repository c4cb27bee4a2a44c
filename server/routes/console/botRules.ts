import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { createBotRule, updateBotRule } from "../../bot/botRuleEditor.ts";
import { readBotStatus } from "../../bot/botStatus.ts";
import { NotFoundError } from "../../errors.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { BotRule, type StoredBotRule } from "../../models/BotRule.ts";
import { presentBotRule, presentBotStatus } from "../../presenters/bot.ts";
import { BotRuleCreateSchema, BotRuleIdSchema, BotRuleUpdateSchema } from "./botRulesSchema.ts";

/**
 * 群机器人 in the console: the bot's status and its keyword and welcome rules (docs/bot.md).
 *
 * @returns the router (mounted under /api/console, area "bot").
 */
export function botRulesRouter(): Router {
  const router = createRouter();

  router.get("/bot/status", async (ctx) => {
    ctx.body = { data: presentBotStatus(await readBotStatus()) };
  });

  router.get("/bot/rules", async (ctx) => {
    const rules = await BotRule.find({}).sort({ createdAt: -1 }).limit(500).lean<StoredBotRule[]>();
    ctx.body = { data: rules.map(presentBotRule) };
  });

  router.post("/bot/rules", validate(BotRuleCreateSchema), async (ctx) => {
    const { body } = inputOf(ctx, BotRuleCreateSchema);
    ctx.status = 201;
    ctx.body = { data: presentBotRule(await createBotRule(body)) };
  });

  router.get("/bot/rules/:id", validate(BotRuleIdSchema), async (ctx) => {
    const rule = await BotRule.findById(inputOf(ctx, BotRuleIdSchema).params.id).lean<StoredBotRule>();
    if (!rule) {
      throw NotFoundError("bot rule");
    }
    ctx.body = { data: presentBotRule(rule) };
  });

  router.put("/bot/rules/:id", validate(BotRuleUpdateSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, BotRuleUpdateSchema);
    const rule = await updateBotRule(params.id, body);
    if (!rule) {
      throw NotFoundError("bot rule");
    }
    ctx.body = { data: presentBotRule(rule) };
  });

  router.delete("/bot/rules/:id", validate(BotRuleIdSchema), async (ctx) => {
    const removed = await BotRule.deleteOne({ _id: inputOf(ctx, BotRuleIdSchema).params.id });
    if (removed.deletedCount === 0) {
      throw NotFoundError("bot rule");
    }
    ctx.body = { data: { deleted: true } };
  });

  return router;
}
