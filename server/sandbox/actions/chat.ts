// The chat windows' transcripts: WeCom sends no callback for chat messages, so a line only joins
// the transcript the sandbox page shows (with the welcome messages the product sent and what the
// sidebar sent).
import { NotFoundError } from "../../errors.ts";
import { sandboxFollowId, SandboxFollow, SandboxMessage, type SandboxMessageKind } from "../models/index.ts";
import type { SandboxContext } from "./context.ts";

/** One line of a chat window. */
export interface ChatLine {
  from: string;
  to: string;
  external_userid: string;
  userid: string;
  text: string;
  attachments: unknown[];
  at: string;
  kind: SandboxMessageKind;
}

export interface ChatInput {
  externalUserId: string;
  userId: string;
  from: "customer" | "guide";
  text: string;
  /** "sent_by_sidebar" when the sidebar's JS-SDK stand-in sent it. */
  kind?: "chat" | "sent_by_sidebar";
  at?: Date;
}

/**
 * A message in the chat between a customer and a guide (who must be friends).
 *
 * @param context the clock.
 * @param input who writes to whom, and what.
 * @returns the stored line.
 */
export async function chat(context: SandboxContext, input: ChatInput): Promise<ChatLine> {
  const follow = await SandboxFollow.findById(sandboxFollowId(input.externalUserId, input.userId), { _id: 1 }).lean();
  if (!follow) {
    throw NotFoundError(`externalUserId: ${input.userId} 与客户 ${input.externalUserId} 不是好友`);
  }
  const fromCustomer = input.from === "customer";
  const message = await SandboxMessage.create({
    from: fromCustomer ? input.externalUserId : input.userId,
    to: fromCustomer ? input.userId : input.externalUserId,
    external_userid: input.externalUserId,
    userid: input.userId,
    text: input.text,
    at: input.at ?? context.now(),
    kind: input.kind ?? "chat",
  });
  return presentLine(message.toObject());
}

/**
 * The chat window's transcript, oldest first: chat lines, welcome messages the product sent with
 * send_welcome_msg, and what the sidebar sent.
 *
 * @param externalUserId the customer.
 * @param userId the guide.
 * @returns the lines.
 */
export async function transcript(externalUserId: string, userId: string): Promise<ChatLine[]> {
  const lines = await SandboxMessage.find({ external_userid: externalUserId, userid: userId }).sort({ at: 1, _id: 1 }).limit(500).lean();
  return lines.map(presentLine);
}

function presentLine(line: { from: string; to: string; external_userid: string; userid: string; text?: string | null; attachments?: unknown[]; at: Date; kind: string }): ChatLine {
  return {
    from: line.from,
    to: line.to,
    external_userid: line.external_userid,
    userid: line.userid,
    text: line.text ?? "",
    attachments: line.attachments ?? [],
    at: line.at.toISOString(),
    kind: line.kind as SandboxMessageKind,
  };
}
