// The sandbox's bot comes with two rules, so that a newcomer sees it work without configuring
// anything: a welcome for people who join, and "抽奖" answered with the running draw's link once
// a draw exists (the demo makes one). Made once per process; an operator's own rules stay untouched.
import { BotRule } from "../../models/BotRule.ts";
import { LuckyDraw } from "../../models/LuckyDraw.ts";

let welcomed = false;
let drawRuled = false;

/**
 * Add the sandbox's starter rules where they are missing.
 *
 * @returns when done.
 */
export async function ensureSandboxBotRules(): Promise<void> {
  if (!welcomed) {
    welcomed = true;
    if (!(await BotRule.exists({ trigger: "join" }))) {
      await BotRule.create({ name: "入群欢迎（沙箱示例）", trigger: "join", replyText: "欢迎{昵称}加入！在群里说「抽奖」试试手气～", cooldownSeconds: 0 });
    }
  }
  if (drawRuled) {
    return;
  }
  if (await BotRule.exists({ trigger: "keyword", keyword: "抽奖" })) {
    drawRuled = true;
    return;
  }
  const draw = await LuckyDraw.findOne({ status: "active" }, { slug: 1 }).sort({ updatedAt: -1 }).lean();
  if (draw) {
    drawRuled = true;
    await BotRule.create({ name: "抽奖入口（沙箱示例）", trigger: "keyword", keyword: "抽奖", match: "contains", replyText: "点这里参加抽奖：{链接}", link: "draw", drawSlug: draw.slug });
  }
}
