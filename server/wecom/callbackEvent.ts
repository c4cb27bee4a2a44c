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

const optionalText = z.string().optional();
// A number too: a stored payload (already parsed) is read again through the same schema.
const unixSeconds = z.union([z.number().int().nonnegative(), z.string().regex(/^\d{1,12}$/, "must be unix seconds").transform(Number)]);

/**
 * Longest id a callback may carry. WeCom's are much shorter: a userid is 1–64 bytes (WeCom's
 * user/create), external_userid, chat_id, tag ids and member versions are about 32 characters,
 * a contact-way state at most 30 (wecom-reference §4.4). Twice the longest leaves room for a
 * format WeCom widens; a value past it is no id, and must never become a lane key or the key of
 * a customer, follow or group. Such a message is authentic all the same (it passed the
 * signature), so it is kept as ignored with its reason rather than refused: a 400 would only make
 * WeCom retry something that can never pass, and the delivery would be lost without a trace.
 */
export const MAX_ID_LENGTH = 128;
const tooLong = `is longer than ${MAX_ID_LENGTH} characters`;
const shortText = z.string().max(MAX_ID_LENGTH, tooLong);
const id = shortText.min(1, "is empty");
// Optional ids may be empty: a shuffle event's empty Id means "all tag groups".
const optionalId = shortText.optional();

/** Outer POST body: `<xml><ToUserName/><AgentID/><Encrypt/></xml>` (wecom-reference §1.4). */
const EnvelopeSchema = z.object({
  xml: z.object({
    ToUserName: optionalText,
    AgentID: optionalText,
    Encrypt: z.string().min(1, "is empty"),
  }),
});

// WeCom documents <Item> elements but one SDK shows a comma-joined string: accept both (and the
// parsed array, when a stored payload is read again).
const memberList = z
  .union([z.object({ Item: z.array(z.string()) }), z.string(), z.array(z.string())])
  .optional()
  .transform((value) => {
    if (value === undefined) {
      return [];
    }
    const items = typeof value === "string" ? value.split(",") : Array.isArray(value) ? value : value.Item;
    return items.map((item) => item.trim()).filter((item) => item !== "");
  })
  .pipe(z.array(id));

const header = {
  ToUserName: shortText,
  FromUserName: shortText,
  CreateTime: unixSeconds,
};

const EXTERNAL_CONTACT_CHANGES = [
  "add_external_contact",
  "edit_external_contact",
  "add_half_external_contact",
  "del_external_contact",
  "del_follow_user",
  "transfer_fail",
  "msg_audit_approved",
] as const;
const EXTERNAL_CHAT_CHANGES = ["create", "update", "dismiss"] as const;
const EXTERNAL_TAG_CHANGES = ["create", "update", "delete", "shuffle"] as const;
const CONTACT_CHANGES = ["create_user", "update_user", "delete_user", "create_party", "update_party", "delete_party", "update_tag"] as const;

const ExternalContactSchema = z.object({
  ...header,
  MsgType: z.literal("event"),
  Event: z.literal("change_external_contact"),
  ChangeType: z.enum(EXTERNAL_CONTACT_CHANGES),
  UserID: id,
  ExternalUserID: id,
  State: optionalId,
  WelcomeCode: optionalText,
  Source: optionalText,
  FailReason: optionalText,
});

const ExternalChatSchema = z.object({
  ...header,
  MsgType: z.literal("event"),
  Event: z.literal("change_external_chat"),
  ChangeType: z.enum(EXTERNAL_CHAT_CHANGES),
  ChatId: id,
  UpdateDetail: z.enum(["add_member", "del_member", "change_owner", "change_name", "change_notice"]).optional(),
  JoinScene: z.coerce.number().int().optional(),
  QuitScene: z.coerce.number().int().optional(),
  MemChangeCnt: z.coerce.number().int().optional(),
  MemChangeList: memberList,
  LastMemVer: optionalId,
  CurMemVer: optionalId,
});

const ExternalTagSchema = z.object({
  ...header,
  MsgType: z.literal("event"),
  Event: z.literal("change_external_tag"),
  ChangeType: z.enum(EXTERNAL_TAG_CHANGES),
  Id: optionalId,
  TagType: optionalText,
  StrategyId: optionalId,
});

const ContactSchema = z.object({
  ...header,
  MsgType: z.literal("event"),
  Event: z.literal("change_contact"),
  ChangeType: z.enum(CONTACT_CHANGES),
  UserID: optionalId,
  NewUserID: optionalId,
  Name: optionalText,
  Department: optionalText,
  MainDepartment: optionalId,
  Position: optionalText,
  Status: optionalText,
  Alias: optionalText,
  Id: optionalId,
  ParentId: optionalId,
  Order: optionalText,
});

/** Messages and app events we store but do not act on yet. */
const OtherSchema = z
  .object({
    ...header,
    MsgType: id,
    Event: optionalId,
    ChangeType: optionalId,
    MsgId: optionalId,
  })
  .passthrough();

export type ExternalContactEvent = z.infer<typeof ExternalContactSchema>;
export type ExternalChatEvent = z.infer<typeof ExternalChatSchema>;
export type ExternalTagEvent = z.infer<typeof ExternalTagSchema>;
export type ContactEvent = z.infer<typeof ContactSchema>;
export type OtherMessage = z.infer<typeof OtherSchema>;

const schemaByEvent = {
  change_external_contact: ExternalContactSchema,
  change_external_chat: ExternalChatSchema,
  change_external_tag: ExternalTagSchema,
  change_contact: ContactSchema,
} as const;
type KnownEvent = keyof typeof schemaByEvent;

/** The events we act on, each with its parsed payload. */
export type KnownCallbackEvent = Extract<CallbackEvent, { type: KnownEvent }>;

/**
 * Read a stored event's payload again through its event's schema, so handlers get it typed (it
 * was stored from that schema's output, which the schema accepts again).
 *
 * @param type the stored event's type.
 * @param payload its stored payload.
 * @returns the typed event, or null for a type we do not act on.
 * @throws ZodError when the stored payload no longer fits (a permanent failure of that event).
 */
export function readStoredEvent(type: string, payload: unknown): KnownCallbackEvent | null {
  switch (type) {
    case "change_external_contact":
      return { type, payload: ExternalContactSchema.parse(payload) };
    case "change_external_chat":
      return { type, payload: ExternalChatSchema.parse(payload) };
    case "change_external_tag":
      return { type, payload: ExternalTagSchema.parse(payload) };
    case "change_contact":
      return { type, payload: ContactSchema.parse(payload) };
    default:
      return null;
  }
}

const changeTypesOf: Record<KnownEvent, readonly string[]> = {
  change_external_contact: EXTERNAL_CONTACT_CHANGES,
  change_external_chat: EXTERNAL_CHAT_CHANGES,
  change_external_tag: EXTERNAL_TAG_CHANGES,
  change_contact: CONTACT_CHANGES,
};

/** The header of a message we keep without acting on it; a value too long to be WeCom's is left out. */
export interface IgnoredHeader {
  ToUserName?: string;
  FromUserName?: string;
  CreateTime?: number;
  MsgType?: string;
  Event?: string;
  ChangeType?: string;
}

/**
 * An authentic message we keep but never process: a ChangeType we do not know, or content that
 * fails its schema (an overlong id, a missing field, not XML at all). WeCom signed it, so it is
 * not refused (WeCom would retry it for nothing); the reason is kept for a person to read.
 */
export interface IgnoredMessage {
  type: "ignored";
  /** What it is stored as: the Event it claims when we know that Event, else "other". */
  storedType: KnownEvent | "other";
  payload: IgnoredHeader;
  /** "field: what is wrong". */
  reason: string;
  /** SHA-1 of the message: retries are byte-identical, and its content may not parse. */
  digest: string;
}

/** A decrypted callback, ready to be stored. */
export type CallbackEvent =
  | { type: "change_external_contact"; payload: ExternalContactEvent }
  | { type: "change_external_chat"; payload: ExternalChatEvent }
  | { type: "change_external_tag"; payload: ExternalTagEvent }
  | { type: "change_contact"; payload: ContactEvent }
  | { type: "other"; payload: OtherMessage }
  | IgnoredMessage;

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
 * Parse and validate a decrypted callback message. Nothing authentic is refused: what we cannot
 * use comes back as an {@link IgnoredMessage}.
 *
 * @param xml the decrypted message.
 * @returns the typed event, or the message to keep as ignored.
 */
export function parseCallbackEvent(xml: string): CallbackEvent {
  let message: unknown;
  try {
    message = (parser.parse(xml, true) as Record<string, unknown>).xml;
  } catch (error) {
    return ignored(xml, "other", {}, `message: not well-formed XML (${(error as Error).message.split("\n")[0]})`);
  }
  if (typeof message !== "object" || message === null) {
    return ignored(xml, "other", {}, "message: no <xml> root");
  }
  const fields = message as Record<string, unknown>;
  const eventName = fields.Event;
  // hasOwn: an Event named "constructor" or "toString" is not one of ours.
  const type = typeof eventName === "string" && Object.hasOwn(schemaByEvent, eventName) ? (eventName as KnownEvent) : "other";
  if (type !== "other" && !changeTypesOf[type].includes(fields.ChangeType as string)) {
    return ignored(xml, type, fields, `ChangeType: ${fields.ChangeType === undefined ? "is missing" : "is not one we handle"}`);
  }
  const parsed = (type === "other" ? OtherSchema : schemaByEvent[type]).safeParse(fields);
  if (!parsed.success) {
    return ignored(xml, type, fields, describeIssue(parsed.error));
  }
  return { type, payload: parsed.data } as CallbackEvent;
}

function ignored(xml: string, storedType: IgnoredMessage["storedType"], fields: Record<string, unknown>, reason: string): IgnoredMessage {
  const payload: IgnoredHeader = {};
  for (const name of ["ToUserName", "FromUserName", "MsgType", "Event", "ChangeType"] as const) {
    const value = fields[name];
    if (typeof value === "string" && value.length <= MAX_ID_LENGTH) {
      payload[name] = value;
    }
  }
  const createTime = unixSeconds.safeParse(fields.CreateTime);
  if (createTime.success) {
    payload.CreateTime = createTime.data;
  }
  const digest = crypto.createHash("sha1").update(xml).digest("hex");
  return { type: "ignored", storedType, payload, reason, digest };
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
  if (event.type === "ignored") {
    return `ign:${event.digest}`;
  }
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
 * @returns the lane: one per customer, group, the tag list, the directory, or the sender; an
 *   ignored message is put on no lane, so its key is only a label.
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
    case "ignored":
      return "ignored";
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
