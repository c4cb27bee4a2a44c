import type Router from "@koa/router";
import { z } from "zod";
import { readBotStatus } from "../../bot/botStatus.ts";
import { NotConfiguredError } from "../../errors.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { BotReply } from "../../models/BotReply.ts";
import { presentBotStatus } from "../../presenters/bot.ts";
import { sandboxBot } from "./sandboxBot.ts";

const chatId = z.string().trim().min(1, "请选择客户群").max(128, "群 ID 过长");
const SaySchema = z.object({
  body: z.object({
    chatId,
    externalUserId: z.string().trim().min(1, "请选择客户").max(64, "客户 ID 过长"),
    text: z.string().trim().min(1, "请输入要说的话").max(500, "不能超过 500 个字"),
  }),
});
const RoomSchema = z.object({ query: z.object({ chatId }) });

/**
 * The sandbox page's bot actions: say something in a group as a customer, and read what the bot
 * answered there (the replies it claimed, newest first).
 *
 * @param api the sandbox's /sandbox/api router.
 */
export function sandboxBotRoutes(api: Router): void {
  api.post("/bot/say", validate(SaySchema), async (ctx) => {
    const bot = sandboxBot();
    if (!bot) {
      throw NotConfiguredError("沙箱群机器人没有运行（已配置 WECHATY_PUPPET 或未启动事件处理）");
    }
    await bot.say(inputOf(ctx, SaySchema).body);
    ctx.status = 202;
    ctx.body = { data: { said: true } };
  });

  api.get("/bot/room", validate(RoomSchema), async (ctx) => {
    const { query } = inputOf(ctx, RoomSchema);
    const replies = await BotReply.find({ roomKey: `wechaty-puppet-mock:${query.chatId}@chatroom` }).sort({ at: -1 }).limit(20).lean();
    ctx.body = {
      data: {
        running: sandboxBot() !== null,
        status: presentBotStatus(await readBotStatus()),
        replies: replies.map((reply) => ({ text: reply.text, mentions: reply.mentions, state: reply.state, at: reply.at.toISOString() })),
      },
    };
  });
}
