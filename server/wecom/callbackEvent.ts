import crypto from "node:crypto";
import { XMLParser } from "fast-xml-parser";
import { z } from "zod";
import { CallbackRejectedError } from "../errors.ts";

const parser = new XMLParser({
  // Keep every value a string: ids like MsgId exceed 2^53 and must not become numbers.
  parseTagValue: false,
  ignoreAttributes: true,
  trimValues: true,
  processEntities: false,
  isArray: (name, jpath) => name === "Item" && String(jpath).endsWith("MemChangeList.Item"),
});

const text = z.string();
const optionalText = z.string().optional();
const unixSeconds = z.string().regex(/^\d{1,12}$/, "must be unix seconds").transform(Number);

/** Outer POST body: `<xml><ToUserName/><AgentID/><Encrypt/></xml>` (wecom-reference §1.4). */
const EnvelopeSchema = z.object({
  xml: z.object({
    ToUserName: optionalText,
    AgentID: optionalText,
    Encrypt: z.string().min(1, "is empty"),
  }),
});

// WeCom documents <Item> elements but one SDK shows a comma-joined string: accept both.
const memberList = z
  .union([z.object({ Item: z.array(z.string()) }), z.string()])
  .optional()
  .transform((value) => {
    if (value === undefined) {
      return [];
    }
    const items = typeof value === "string" ? value.split(",") : value.Item;
    return items.map((item) => item.trim()).filter((item) => item !== "");
  });

const header = {
  ToUserName: text,
  FromUserName: text,
  CreateTime: unixSeconds,
};

const ExternalContactSchema = z.object({
  ...header,
  MsgType: z.literal("event"),
  Event: z.literal("change_external_contact"),
  ChangeType: z.enum([
    "add_external_contact",
    "edit_external_contact",
    "add_half_external_contact",
    "del_external_contact",
    "del_follow_user",
    "transfer_fail",
    "msg_audit_approved",
  ]),
  UserID: text.min(1),
  ExternalUserID: text.min(1),
  State: optionalText,
  WelcomeCode: optionalText,
  Source: optionalText,
  FailReason: optionalText,
});

const ExternalChatSchema = z.object({
  ...header,
  MsgType: z.literal("event"),
  Event: z.literal("change_external_chat"),
  ChangeType: z.enum(["create", "update", "dismiss"]),
  ChatId: text.min(1),
  UpdateDetail: z.enum(["add_member", "del_member", "change_owner", "change_name", "change_notice"]).optional(),
  JoinScene: z.coerce.number().int().optional(),
  QuitScene: z.coerce.number().int().optional(),
  MemChangeCnt: z.coerce.number().int().optional(),
  MemChangeList: memberList,
  LastMemVer: optionalText,
  CurMemVer: optionalText,
});

const ExternalTagSchema = z.object({
  ...header,
  MsgType: z.literal("event"),
  Event: z.literal("change_external_tag"),
  ChangeType: z.enum(["create", "update", "delete", "shuffle"]),
  Id: optionalText,
  TagType: optionalText,
  StrategyId: optionalText,
});

const ContactSchema = z.object({
  ...header,
  MsgType: z.literal("event"),
  Event: z.literal("change_contact"),
  ChangeType: z.enum([
    "create_user",
    "update_user",
    "delete_user",
    "create_party",
    "update_party",
    "delete_party",
    "update_tag",
  ]),
  UserID: optionalText,
  NewUserID: optionalText,
  Name: optionalText,
  Department: optionalText,
  MainDepartment: optionalText,
  Position: optionalText,
  Status: optionalText,
  Alias: optionalText,
  Id: optionalText,
  ParentId: optionalText,
  Order: optionalText,
});

/** Messages and app events we store but do not act on yet. */
const OtherSchema = z
  .object({
    ...header,
    MsgType: text.min(1),
    Event: optionalText,
    ChangeType: optionalText,
    MsgId: optionalText,
  })
  .passthrough();

export type ExternalContactEvent = z.infer<typeof ExternalContactSchema>;
export type ExternalChatEvent = z.infer<typeof ExternalChatSchema>;
export type ExternalTagEvent = z.infer<typeof ExternalTagSchema>;
export type ContactEvent = z.infer<typeof ContactSchema>;
export type OtherMessage = z.infer<typeof OtherSchema>;

/** A decrypted, validated callback, ready to be stored. */
export type CallbackEvent =
  | { type: "change_external_contact"; payload: ExternalContactEvent }
  | { type: "change_external_chat"; payload: ExternalChatEvent }
  | { type: "change_external_tag"; payload: ExternalTagEvent }
  | { type: "change_contact"; payload: ContactEvent }
  | { type: "other"; payload: OtherMessage };

const schemaByEvent = {
  change_external_contact: ExternalContactSchema,
  change_external_chat: ExternalChatSchema,
  change_external_tag: ExternalTagSchema,
  change_contact: ContactSchema,
} as const;

/**
 * Read the `Encrypt` value out of a POST body.
 *
 * @param body the raw request body.
 * @returns the Base64 ciphertext.
 */
export function parseEnvelope(body: string): string {
  const parsed = EnvelopeSchema.safeParse(parseXml(body));
  if (!parsed.success) {
    throw CallbackRejectedError(`body: ${describeIssue(parsed.error)}`);
  }
  return parsed.data.xml.Encrypt;
}

/**
 * Parse and validate a decrypted callback message.
 *
 * @param xml the decrypted message.
 * @returns the typed event.
 */
export function parseCallbackEvent(xml: string): CallbackEvent {
  const root = parseXml(xml);
  const message = root.xml;
  if (typeof message !== "object" || message === null) {
    throw CallbackRejectedError("message: no <xml> root");
  }
  const eventName = (message as Record<string, unknown>).Event;
  const known = typeof eventName === "string" && eventName in schemaByEvent;
  const type = known ? (eventName as keyof typeof schemaByEvent) : "other";
  const schema = known ? schemaByEvent[eventName as keyof typeof schemaByEvent] : OtherSchema;
  const parsed = schema.safeParse(message);
  if (!parsed.success) {
    throw CallbackRejectedError(`message: ${describeIssue(parsed.error)}`);
  }
  return { type, payload: parsed.data } as CallbackEvent;
}

/**
 * Key that makes a retried delivery land on the stored one. Messages carry MsgId; events do not
 * (all customer-contact events come from `sys`), and retries are byte-identical, so the hash of
 * the parsed content identifies them without colliding two member changes in one second.
 *
 * @param event the parsed event.
 * @returns the dedupe key.
 */
export function dedupeKeyOf(event: CallbackEvent): string {
  if (event.type === "other" && event.payload.MsgId) {
    return `msg:${event.payload.MsgId}`;
  }
  const canonical = JSON.stringify(event.payload, Object.keys(event.payload).sort());
  return `evt:${crypto.createHash("sha1").update(canonical).digest("hex")}`;
}

/**
 * Events with the same order key are processed one after another, in arrival order.
 *
 * @param event the parsed event.
 * @returns the lane: one per customer, group, the tag list, the directory, or the sender.
 */
export function orderKeyOf(event: CallbackEvent): string {
  switch (event.type) {
    case "change_external_contact":
      return `customer:${event.payload.ExternalUserID}`;
    case "change_external_chat":
      return `group:${event.payload.ChatId}`;
    case "change_external_tag":
      return "corp-tags";
    case "change_contact":
      return "directory";
    case "other":
      return `app:${event.payload.FromUserName}`;
  }
}

function parseXml(xml: string): Record<string, unknown> {
  try {
    return parser.parse(xml, true) as Record<string, unknown>;
  } catch (error) {
    throw CallbackRejectedError(`body: not well-formed XML (${(error as Error).message.split("\n")[0]})`);
  }
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) {
    return "invalid";
  }
  const path = issue.path.filter((part) => part !== "xml").join(".");
  return `${path || "root"}: ${issue.message}`;
}
