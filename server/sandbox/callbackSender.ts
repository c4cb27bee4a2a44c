import crypto from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import * as wecomCrypto from "@wecom/crypto";
import { SANDBOX_AES_KEY, SANDBOX_AGENT_ID, SANDBOX_CALLBACK_TOKEN, SANDBOX_CORP_ID } from "./config.ts";
import { unix } from "./models/ids.ts";

/** Values of an inner callback XML: strings become CDATA, numbers stay bare, arrays become `<Item>`s. */
export type CallbackFields = Record<string, string | number | string[] | undefined>;

/** Options of {@link sendCallback}. */
export interface SendCallbackOptions {
  /** Clock for the signature's timestamp: when the delivery is made. */
  now?: () => Date;
  /**
   * When the event happened (its CreateTime); the delivery's time otherwise. WeCom signs a
   * delivery with the time it sends it, so a back-dated event (the demo's year of adds) still
   * arrives with a fresh timestamp.
   */
  createdAt?: Date;
  /**
   * Pauses before each retry. WeCom re-sends "three times in total" after 5 s without a 200
   * (wecom-reference §1.6); the sandbox keeps the count but not the wait.
   */
  retryDelaysMs?: number[];
  /** Per-attempt timeout (WeCom's deadline is 5 s). */
  timeoutMs?: number;
}

/** What happened to a delivery. */
export interface CallbackDelivery {
  /** The last HTTP status (0 when the connection failed). */
  status: number;
  /** The last response body. */
  body: string;
  /** Deliveries made (1 when the first one was answered 200). */
  attempts: number;
  /** The plaintext XML that was sealed. */
  xml: string;
}

const DEFAULT_RETRY_DELAYS_MS = [50, 200, 500];
const DEFAULT_TIMEOUT_MS = 5_000;

/**
 * Build the inner XML of a callback the way WeCom writes it: strings in CDATA, integers bare.
 *
 * @param fields element names and values, in order.
 * @returns the XML text.
 */
export function buildCallbackXml(fields: CallbackFields): string {
  const parts = Object.entries(fields).flatMap(([name, value]) => {
    if (value === undefined) {
      return [];
    }
    if (Array.isArray(value)) {
      return [`<${name}>${value.map((item) => `<Item>${cdata(item)}</Item>`).join("")}</${name}>`];
    }
    return [typeof value === "number" ? `<${name}>${value}</${name}>` : `<${name}>${cdata(value)}</${name}>`];
  });
  return `<xml>${parts.join("")}</xml>`;
}

/**
 * Sign, encrypt and POST an event to the product's callback URL as WeCom does (wecom-reference
 * §1.4–1.6), with the header (ToUserName = corp id, FromUserName "sys", CreateTime, MsgType event)
 * filled in unless given. A delivery that is not answered 200 is re-sent byte-identical up to
 * three more times.
 *
 * @param targetUrl the product's origin (`/wecom/callback` is appended) or a full callback URL.
 * @param fields Event, ChangeType and the event's own elements.
 * @param options clock, event time, retry pauses and timeout.
 * @returns the delivery's outcome.
 * @throws Error when no delivery was answered 200.
 */
export async function sendCallback(
  targetUrl: string,
  fields: CallbackFields,
  options: SendCallbackOptions = {},
): Promise<CallbackDelivery> {
  const sentAt = (options.now ?? (() => new Date()))();
  const xml = buildCallbackXml({
    ToUserName: SANDBOX_CORP_ID,
    FromUserName: "sys",
    CreateTime: unix(options.createdAt ?? sentAt),
    MsgType: "event",
    ...fields,
  });
  const timestamp = String(unix(sentAt));
  const nonce = String(crypto.randomInt(1e9, 1e10));
  const encrypted = wecomCrypto.encrypt(SANDBOX_AES_KEY, xml, SANDBOX_CORP_ID);
  const signature = wecomCrypto.getSignature(SANDBOX_CALLBACK_TOKEN, timestamp, nonce, encrypted);
  const url = new URL(callbackUrl(targetUrl));
  url.searchParams.set("msg_signature", signature);
  url.searchParams.set("timestamp", timestamp);
  url.searchParams.set("nonce", nonce);
  const body = `<xml><ToUserName>${cdata(SANDBOX_CORP_ID)}</ToUserName><Encrypt>${cdata(encrypted)}</Encrypt><AgentID>${cdata(String(SANDBOX_AGENT_ID))}</AgentID></xml>`;

  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  let last = { status: 0, body: "" };
  for (let attempt = 1; attempt <= delays.length + 1; attempt += 1) {
    if (attempt > 1) {
      await sleep(delays[attempt - 2]);
    }
    last = await post(url, body, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    // Only HTTP 200 counts as received (wecom-reference §1.6).
    if (last.status === 200) {
      return { ...last, attempts: attempt, xml };
    }
  }
  throw new Error(`callback ${String(fields.Event)}/${String(fields.ChangeType)} not accepted after ${delays.length + 1} deliveries: HTTP ${last.status} ${last.body.slice(0, 200)}`);
}

/** The events the sandbox sends, bound to one callback URL. */
export interface CallbackSender {
  send(fields: CallbackFields): Promise<CallbackDelivery>;
  /** A member added a customer (wecom-reference §2.1); omit welcome_code when none was issued. */
  addExternalContact(p: { userid: string; external_userid: string; state?: string; welcome_code?: string }): Promise<CallbackDelivery>;
  /** The member edited the customer's remark, description or tags. */
  editExternalContact(p: { userid: string; external_userid: string }): Promise<CallbackDelivery>;
  /** The member deleted the customer (source DELETE_BY_TRANSFER for a transfer). */
  delExternalContact(p: { userid: string; external_userid: string; source?: string }): Promise<CallbackDelivery>;
  /** The customer deleted the member. */
  delFollowUser(p: { userid: string; external_userid: string }): Promise<CallbackDelivery>;
  /** A customer group was created. */
  groupCreate(p: { chat_id: string }): Promise<CallbackDelivery>;
  /** A customer group was dismissed. */
  groupDismiss(p: { chat_id: string }): Promise<CallbackDelivery>;
  /** Members joined a group; join_scene 0 = invited by a member, 3 = scanned the group QR (§2.2). */
  groupUpdateAddMember(p: {
    chat_id: string;
    join_scene: number;
    mem_change_list: string[];
    last_mem_ver: string;
    cur_mem_ver: string;
  }): Promise<CallbackDelivery>;
  /** Members left a group; quit_scene 0 = left, 1 = removed. */
  groupUpdateDelMember(p: {
    chat_id: string;
    quit_scene: number;
    mem_change_list: string[];
    last_mem_ver: string;
    cur_mem_ver: string;
  }): Promise<CallbackDelivery>;
  /** A corp tag or tag group changed (§2.3): the event carries ids only. */
  tagChange(p: { change_type: "create" | "update" | "delete" | "shuffle"; id: string; tag_type?: "tag" | "tag_group" }): Promise<CallbackDelivery>;
}

/**
 * Bind the sandbox's events to the product's callback URL.
 *
 * @param targetUrl the product's origin or full callback URL (see {@link sendCallback}).
 * @param options clock, retry pauses and timeout for every delivery.
 * @returns one function per event.
 */
export function createCallbackSender(targetUrl: string, options: SendCallbackOptions = {}): CallbackSender {
  const send = (fields: CallbackFields) => sendCallback(targetUrl, fields, options);
  const contact = (changeType: string, fields: CallbackFields) =>
    send({ Event: "change_external_contact", ChangeType: changeType, ...fields });
  const chat = (changeType: string, fields: CallbackFields) =>
    send({ Event: "change_external_chat", ChangeType: changeType, ...fields });
  return {
    send,
    addExternalContact: (p) =>
      contact("add_external_contact", {
        UserID: p.userid,
        ExternalUserID: p.external_userid,
        // State is absent when the contact way has none (§2.1).
        State: p.state === "" ? undefined : p.state,
        WelcomeCode: p.welcome_code,
      }),
    editExternalContact: (p) => contact("edit_external_contact", { UserID: p.userid, ExternalUserID: p.external_userid }),
    delExternalContact: (p) =>
      contact("del_external_contact", { UserID: p.userid, ExternalUserID: p.external_userid, Source: p.source }),
    delFollowUser: (p) => contact("del_follow_user", { UserID: p.userid, ExternalUserID: p.external_userid }),
    groupCreate: (p) => chat("create", { ChatId: p.chat_id }),
    groupDismiss: (p) => chat("dismiss", { ChatId: p.chat_id }),
    groupUpdateAddMember: (p) =>
      chat("update", {
        ChatId: p.chat_id,
        UpdateDetail: "add_member",
        JoinScene: p.join_scene,
        MemChangeCnt: p.mem_change_list.length,
        MemChangeList: p.mem_change_list,
        LastMemVer: p.last_mem_ver,
        CurMemVer: p.cur_mem_ver,
      }),
    groupUpdateDelMember: (p) =>
      chat("update", {
        ChatId: p.chat_id,
        UpdateDetail: "del_member",
        QuitScene: p.quit_scene,
        MemChangeCnt: p.mem_change_list.length,
        MemChangeList: p.mem_change_list,
        LastMemVer: p.last_mem_ver,
        CurMemVer: p.cur_mem_ver,
      }),
    tagChange: (p) =>
      send({ Event: "change_external_tag", ChangeType: p.change_type, Id: p.id, TagType: p.tag_type ?? "tag" }),
  };
}

function callbackUrl(targetUrl: string): string {
  const url = new URL(targetUrl);
  if (url.pathname === "/" || url.pathname === "") {
    url.pathname = "/wecom/callback";
  }
  return url.toString();
}

async function post(url: URL, body: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(url, {
      method: "POST",
      body,
      headers: { "content-type": "text/xml" },
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: error instanceof Error ? error.message : String(error) };
  }
}

// A "]]>" inside a value would end the section: split it across two sections.
function cdata(value: string): string {
  return `<![CDATA[${value.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
}
