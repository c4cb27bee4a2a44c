// An employee texts the app from their WeCom client (wecom-reference §2.5): the sandbox sends the
// message callback as WeCom would and opens the passive reply the product answers with (§10.2),
// checking its signature and receive id as WeCom's client would before showing it.
import crypto from "node:crypto";
import type Router from "@koa/router";
import { XMLParser } from "fast-xml-parser";
import { z } from "zod";
import { NotFoundError } from "../../errors.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { openSealedMessage } from "../../wecom/callbackCrypto.ts";
import { sendCallback } from "../callbackSender.ts";
import { SANDBOX_AGENT_ID, SANDBOX_CALLBACK_SECRETS } from "../config.ts";
import { SandboxUser } from "../models/index.ts";
import type { SandboxContext } from "./context.ts";

const parser = new XMLParser({ parseTagValue: false, processEntities: false });
const AppTextSchema = z.object({
  body: z.object({
    userid: z.string().trim().min(1, "请选择导购").max(64, "导购 ID 过长"),
    text: z.string().trim().min(1, "请输入要发给应用的消息").max(500, "消息不能超过 500 字"),
  }),
});

/** What the employee's client shows after sending. */
export interface AppTextOutcome {
  /** The app's passive reply, or null when it answered only "success". */
  reply: string | null;
}

/**
 * @param context where callbacks go, and the clock.
 * @param input the employee and what they typed.
 * @returns the app's reply.
 * @throws 404 for an employee the sandbox corp does not have.
 */
export async function textTheApp(context: SandboxContext, input: { userid: string; text: string }): Promise<AppTextOutcome> {
  const user = await SandboxUser.findById(input.userid, { status: 1 }).lean();
  if (!user || user.status !== 1) {
    throw NotFoundError(`userid: 沙盒企业没有在职员工 ${input.userid}`);
  }
  // MsgId: WeCom's are 19-digit numbers, unique per message.
  const msgId = `${BigInt(context.now().getTime()) * 1_000_000n + BigInt(crypto.randomInt(1_000_000))}`;
  const delivery = await sendCallback(context.callbackUrl, { FromUserName: input.userid, MsgType: "text", Content: input.text, MsgId: msgId, AgentID: SANDBOX_AGENT_ID }, { now: context.now });
  if (!delivery.body.startsWith("<xml>")) {
    return { reply: null };
  }
  const envelope = (parser.parse(delivery.body) as { xml: { Encrypt: string; MsgSignature: string; TimeStamp: string; Nonce: string } }).xml;
  const opened = openSealedMessage(SANDBOX_CALLBACK_SECRETS, { signature: envelope.MsgSignature, timestamp: String(envelope.TimeStamp), nonce: String(envelope.Nonce), encrypted: envelope.Encrypt });
  const reply = (parser.parse(opened) as { xml: { ToUserName: string; MsgType: string; Content?: string } }).xml;
  return { reply: reply.ToUserName === input.userid && reply.MsgType === "text" ? (reply.Content ?? "") : null };
}

/**
 * The sandbox page's 给应用发消息 under /sandbox/api.
 *
 * @param api the sandbox's /sandbox/api router.
 * @param context where callbacks go, and the clock.
 */
export function sandboxAppTextRoutes(api: Router, context: () => SandboxContext): void {
  api.post("/app-text", validate(AppTextSchema), async (ctx) => {
    ctx.body = { data: await textTheApp(context(), inputOf(ctx, AppTextSchema).body) };
  });
}
