import type { ChatMessage } from "@shared/ww";

// Variables a quick reply may carry, filled from the open chat before it is sent: WeCom sends the
// text as it is, so a "{客户昵称}" left in would reach the customer literally. The welcome message
// of a channel code uses the same {客户昵称} (server/commands/welcomeMessageSender.ts).

/** The variables, in the order an editor would offer them, with what each is filled with. */
export const REPLY_VARIABLES = [
  { token: "{客户昵称}", label: "客户的微信昵称" },
  { token: "{客户备注}", label: "导购给客户的备注名，没有备注时为昵称" },
  { token: "{导购姓名}", label: "发送话术的导购" },
  { token: "{会员等级}", label: "客户的会员等级" },
  { token: "{会员积分}", label: "客户的可用积分" },
] as const;

export type ReplyVariable = (typeof REPLY_VARIABLES)[number]["token"];

/** What the open chat knows; a variable without a value cannot be filled. */
export type ReplyValues = Partial<Record<ReplyVariable, string>>;

/** A message with every variable filled, or the variables this chat cannot fill. */
export type Filled = { ok: true; message: ChatMessage } | { ok: false; missing: ReplyVariable[] };

function fillText(text: string, values: ReplyValues, missing: Set<ReplyVariable>): string {
  let out = text;
  for (const { token } of REPLY_VARIABLES) {
    if (!out.includes(token)) {
      continue;
    }
    const value = values[token];
    if (value === undefined || value === "") {
      missing.add(token);
      continue;
    }
    out = out.replaceAll(token, value);
  }
  return out;
}

/**
 * Fill a message's variables (text, and a link card's title and description).
 *
 * @param message the message as the library holds it.
 * @param values what the open chat knows.
 * @returns the message to send, or which variables are missing.
 */
export function fillReplyVariables(message: ChatMessage, values: ReplyValues): Filled {
  const missing = new Set<ReplyVariable>();
  let filled: ChatMessage = message;
  if (message.msgtype === "text") {
    filled = { msgtype: "text", text: { content: fillText(message.text.content, values, missing) } };
  } else if (message.msgtype === "news") {
    filled = { msgtype: "news", news: { ...message.news, title: fillText(message.news.title, values, missing), desc: fillText(message.news.desc, values, missing) } };
  }
  return missing.size > 0 ? { ok: false, missing: [...missing] } : { ok: true, message: filled };
}

/**
 * A text as it would be sent, for the preview; variables this chat cannot fill stay as written.
 *
 * @param text the reply's text.
 * @param values what the open chat knows.
 * @returns the text.
 */
export function previewText(text: string, values: ReplyValues): string {
  return fillText(text, values, new Set());
}
