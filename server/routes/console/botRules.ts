import type Router from "@koa/router";
import QRCode from "qrcode";
import { createRouter } from "../router.ts";
import { createBotRule, updateBotRule } from "../../bot/botRuleEditor.ts";
import { readBotStatus } from "../../bot/botStatus.ts";
import { NotFoundError } from "../../errors.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { BotRule, type StoredBotRule } from "../../models/BotRule.ts";
import { LuckyDraw } from "../../models/LuckyDraw.ts";
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
    const status = presentBotStatus(await readBotStatus());
    // The login QR drawn here, so the page needs no QR library and the text never leaves as a link.
    const qrImage = status.qrcode ? await QRCode.toDataURL(status.qrcode, { margin: 1, width: 240 }) : null;
    ctx.body = { data: { ...status, qrImage } };
  });

  // The draw picker of the rule editor: draws by name, newest first (the link uses the slug).
  router.get("/bot/draw-options", async (ctx) => {
    const draws = await LuckyDraw.find({}, { slug: 1, name: 1, status: 1 }).sort({ updatedAt: -1 }).limit(200).lean();
    ctx.body = { data: draws.map((draw) => ({ slug: draw.slug, name: draw.name, status: draw.status })) };
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
