// A new WeChat user scans a guide's channel code: WeCom creates the external contact and the
// follow, issues a welcome code and sends add_external_contact.
import { NotFoundError, UnprocessableError } from "../../errors.ts";
import { sandboxAvatar } from "../avatars.ts";
import { genderOf, randomCustomerName } from "../demoData.ts";
import { newExternalUserId, newWelcomeCode, sandboxId, SandboxContactWay, SandboxCustomer, SandboxFollow, SANDBOX_WELCOME_CODE_TTL_MS, unix } from "../models/index.ts";
import { callbacksAt, type SandboxContext } from "./context.ts";

/** What a scan did. */
export interface ScanResult {
  external_userid: string;
  userid: string;
  name: string;
  state: string;
}

export interface ScanInput {
  /** The contact way scanned. */
  configId: string;
  /** The new customer's WeChat name (a random one otherwise). */
  name?: string;
  /** For a multi-guide way: the guide WeCom hands the customer to (the way's first guide otherwise). */
  userid?: string;
  /** Corp tag ids the guide sets while accepting the customer. */
  tags?: string[];
  /** When it happened (now otherwise); the demo back-dates a year of adds. */
  at?: Date;
}

/** One add through a contact way, as WeCom's side stores it. */
export interface NewContact {
  externalUserId: string;
  name: string;
  /** The guide who accepted the customer. */
  userid: string;
  /** The contact way's state. */
  state: string;
  tags: string[];
  at: Date;
  welcomeCode: string;
}

/**
 * @param origin the product's origin (avatars are served there).
 * @param contact the add.
 * @returns the SandboxCustomer document WeCom keeps for the new WeChat user.
 */
export function customerDoc(origin: string, contact: NewContact) {
  return {
    external_userid: contact.externalUserId,
    name: contact.name,
    type: 1,
    avatar: sandboxAvatar(origin, contact.externalUserId),
    gender: genderOf(contact.name),
    // The brand's open platform account gives every WeChat user a unionid.
    unionid: sandboxId("o", 27),
    created_at: contact.at,
  };
}

/**
 * @param contact the add.
 * @returns the SandboxFollow document: add_way 1 (QR code), started by the customer, with the welcome code.
 */
export function followDoc(contact: NewContact) {
  return {
    external_userid: contact.externalUserId,
    userid: contact.userid,
    createtime: unix(contact.at),
    tags: contact.tags,
    state: contact.state,
    add_way: 1,
    oper_userid: contact.externalUserId,
    welcome_code: contact.welcomeCode,
    welcome_code_expires_at: new Date(contact.at.getTime() + SANDBOX_WELCOME_CODE_TTL_MS),
  };
}

/**
 * Tell the product about an add, as WeCom does (with the welcome code it may use once).
 *
 * @param context the callback URL.
 * @param contact the add.
 */
export async function announceContact(context: SandboxContext, contact: NewContact): Promise<void> {
  await callbacksAt(context, contact.at).addExternalContact({
    userid: contact.userid,
    external_userid: contact.externalUserId,
    state: contact.state,
    welcome_code: contact.welcomeCode,
  });
}

/**
 * A new WeChat user scans a contact way: WeCom creates the external contact and the follow
 * (state = the way's state, add_way 1 = QR code), issues a welcome code and sends
 * `add_external_contact`.
 *
 * @param context callback URL and clock.
 * @param input the way, and optionally the name, guide, tags and time.
 * @returns the new customer and the guide who got it.
 */
export async function scan(context: SandboxContext, input: ScanInput): Promise<ScanResult> {
  const way = await SandboxContactWay.findById(input.configId).lean();
  if (!way) {
    throw NotFoundError(`configId: contact way ${input.configId}`);
  }
  const userid = input.userid ?? way.user[0];
  if (!userid || !way.user.includes(userid)) {
    throw UnprocessableError("not_in_contact_way", input.userid ? `userid: ${input.userid} 不在该渠道活码的成员中` : "configId: 该渠道活码没有成员");
  }
  const contact: NewContact = {
    externalUserId: newExternalUserId(),
    name: input.name?.trim() || randomCustomerName(),
    userid,
    state: way.state,
    tags: input.tags ?? [],
    at: input.at ?? context.now(),
    welcomeCode: newWelcomeCode(),
  };
  await SandboxCustomer.create(customerDoc(context.callbackUrl, contact));
  await SandboxFollow.create(followDoc(contact));
  await announceContact(context, contact);
  return { external_userid: contact.externalUserId, userid, name: contact.name, state: way.state };
}
