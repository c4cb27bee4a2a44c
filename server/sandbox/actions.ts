// What people do in the sandbox corp: a WeChat user scans a guide's channel code, joins a customer
// group, chats, buys in a store. Each action changes WeCom's side of the world first (the
// stand-in's sandbox_* state) and then tells the product what WeCom would tell it — a signed,
// encrypted callback to /wecom/callback — so the product learns everything through its real
// pipeline. `buy` is the exception: a store's till is not WeCom, so the order is recorded the way
// an order feed records it.
import crypto from "node:crypto";
import orderRecorder, { type OrderInput, type OrderOutcome } from "../commands/orderRecorder.ts";
import { currentProgram } from "../commands/programStore.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { ConflictError, NotFoundError, UnprocessableError } from "../errors.ts";
import { Member } from "../models/Member.ts";
import { createCallbackSender, sendCallback, type CallbackFields } from "./callbackSender.ts";
import { BRAND, CONTACT_WAYS, GROUPS, MANAGERS, GUIDES, STORES, TAG_GROUPS, genderOf, randomCustomerName, type UserSeed } from "./demoData.ts";
import {
  newExternalUserId,
  newWelcomeCode,
  sandboxFollowId,
  sandboxId,
  SandboxContactWay,
  SandboxCustomer,
  SandboxDepartment,
  SandboxFollow,
  SandboxGroup,
  SandboxMessage,
  SandboxTagGroup,
  SandboxUser,
  SANDBOX_GROUP_CAPACITY,
  SANDBOX_WELCOME_CODE_TTL_MS,
  type SandboxMessageKind,
} from "./models/index.ts";
import { qrUrl } from "./wecomApi/qr.ts";

/** Where WeCom's callbacks go, and the clock. */
export interface SandboxContext {
  /** The product's origin (`/wecom/callback` is appended) or its full callback URL. */
  callbackUrl: string;
  now: () => Date;
  /** The WeCom API stand-in's origin, for the channel codes' QR image URLs. */
  wecomApiBase?: string;
}

const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
const DAY_MS = 86_400_000;

/**
 * Send one callback as WeCom would at `at` (its CreateTime), through the sandbox's sender.
 *
 * @param context the callback URL.
 * @param at the event's time.
 * @param fields Event, ChangeType and the event's elements.
 * @returns when the product answered 200.
 */
async function notify(context: SandboxContext, at: Date, fields: CallbackFields): Promise<void> {
  await sendCallback(context.callbackUrl, fields, { now: () => at });
}

/** Insert a document unless its _id exists; true when this call created it. */
async function createIfMissing(create: () => Promise<unknown>): Promise<boolean> {
  try {
    await create();
    return true;
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      return false;
    }
    throw error;
  }
}

/** What seedCorp created this time (zero everywhere when the corp was already there). */
export interface SeedSummary {
  departments: number;
  users: number;
  tagGroups: number;
  contactWays: number;
  groups: number;
}

/**
 * Set up the sandbox corp on WeCom's side, once: the brand (department 1) with three stores,
 * 12 guides and 2 managers, corp tag groups, a poster and a till channel code per store plus a
 * brand-wide one, and two customer groups per store. What an admin does in WeCom's admin console
 * produces callbacks, and those are sent (directory: `change_contact`; tags:
 * `change_external_tag`; groups: `change_external_chat` create), so the product's directory,
 * tag mirror and groups fill through its pipeline. Contact ways produce no callback. Anything
 * already there is left alone, so this is safe to call at every start.
 *
 * @param context callback URL and clock.
 * @returns what was created now.
 */
export async function seedCorp(context: SandboxContext): Promise<SeedSummary> {
  const now = context.now();
  const summary: SeedSummary = { departments: 0, users: 0, tagGroups: 0, contactWays: 0, groups: 0 };
  const directory = (changeType: string, fields: CallbackFields) => notify(context, now, { Event: "change_contact", ChangeType: changeType, ...fields });

  // The root department exists with the corp; naming it after the brand is an update.
  if (await createIfMissing(() => SandboxDepartment.create({ id: BRAND.id, name: BRAND.name, parentid: 0, order: 100_000_000 }))) {
    summary.departments += 1;
    await directory("update_party", { Id: String(BRAND.id), Name: BRAND.name, ParentId: "0" });
  }
  for (const store of STORES) {
    if (await createIfMissing(() => SandboxDepartment.create({ id: store.id, name: store.name, parentid: BRAND.id, order: store.order }))) {
      summary.departments += 1;
      await directory("create_party", { Id: String(store.id), Name: store.name, ParentId: String(BRAND.id), Order: String(store.order) });
    }
  }
  for (const user of [...GUIDES, ...MANAGERS]) {
    if (await createIfMissing(() => SandboxUser.create({ ...user, status: 1, avatar: sandboxAvatar(context.callbackUrl, user.userid) }))) {
      summary.users += 1;
      await directory("create_user", userEventFields(user, context.callbackUrl));
    }
  }

  // An admin may have renamed or re-created groups through the API since: only missing names are added.
  const knownGroups = new Set((await SandboxTagGroup.find({}, { group_name: 1 }).lean()).map((group) => group.group_name));
  for (const group of TAG_GROUPS.filter((candidate) => !knownGroups.has(candidate.name))) {
    const groupId = stableId("et", `tag-group:${group.name}`, 22);
    const created = await createIfMissing(() =>
      SandboxTagGroup.create({
        group_id: groupId,
        group_name: group.name,
        order: group.order,
        create_time: seconds(now),
        tag: group.tags.map((name, index) => ({ id: stableId("et", `tag:${group.name}:${name}`, 22), name, order: group.tags.length - index, create_time: seconds(now) })),
      }),
    );
    if (created) {
      summary.tagGroups += 1;
      await notify(context, now, { Event: "change_external_tag", ChangeType: "create", Id: groupId, TagType: "tag_group" });
    }
  }

  const knownWays = new Set((await SandboxContactWay.find({}, { state: 1 }).lean()).map((way) => way.state));
  for (const way of CONTACT_WAYS.filter((candidate) => !knownWays.has(candidate.state))) {
    const configId = stableId("", `contact-way:${way.state}`, 32);
    const created = await createIfMissing(() => SandboxContactWay.create({
      config_id: configId,
      type: way.type,
      scene: 2,
      state: way.state,
      user: way.users,
      remark: way.remark,
      skip_verify: true,
      // get_contact_way answers it with the stand-in's current address anyway.
      qr_code: context.wecomApiBase ? qrUrl(context.wecomApiBase, "contact_way", configId) : "",
      created_at: new Date(now.getTime() - 365 * DAY_MS),
    }));
    summary.contactWays += created ? 1 : 0;
  }

  // The groups have existed for a year, so the demo's customers can join them over that year.
  const groupsSince = new Date(now.getTime() - 366 * DAY_MS);
  const knownChats = new Set((await SandboxGroup.find({}, { name: 1 }).lean()).map((group) => group.name));
  for (const group of GROUPS.filter((candidate) => !knownChats.has(candidate.name))) {
    const chatId = stableId("wr", `group:${group.name}`, 30);
    const created = await createIfMissing(() => SandboxGroup.create({
      chat_id: chatId,
      name: group.name,
      owner: group.owner,
      create_time: seconds(groupsSince),
      notice: group.notice,
      admin_list: [],
      member_list: [{ userid: group.owner, type: 1, join_time: seconds(groupsSince), join_scene: 1, invitor: "", name: nameOf(group.owner) }],
      member_version: newMemberVersion(),
    }));
    if (created) {
      summary.groups += 1;
      await notify(context, groupsSince, { Event: "change_external_chat", ChangeType: "create", ChatId: chatId });
    }
  }
  return summary;
}

/** @returns true once seedCorp has run (the stores and guides exist). */
export async function isSeeded(): Promise<boolean> {
  const [stores, ways, groups] = await Promise.all([
    SandboxDepartment.countDocuments({ parentid: BRAND.id }),
    SandboxContactWay.countDocuments(),
    SandboxGroup.countDocuments(),
  ]);
  return stores >= STORES.length && ways >= CONTACT_WAYS.length && groups >= GROUPS.length;
}

function userEventFields(user: UserSeed, origin: string): CallbackFields {
  return {
    UserID: user.userid,
    Name: user.name,
    Department: user.department.join(","),
    MainDepartment: String(user.main_department),
    IsLeaderInDept: user.department.map(() => (MANAGERS.includes(user) ? "1" : "0")).join(","),
    Position: user.position,
    Gender: user.gender,
    Status: "1",
    Avatar: sandboxAvatar(origin, user.userid),
    Alias: user.alias,
  };
}

/**
 * An avatar served by the sandbox itself: made-up URLs on WeCom's image hosts would send the
 * newcomer's browser off the machine.
 *
 * @param origin the product's origin (the sandbox's routes live there).
 * @param seed whose avatar.
 * @returns the image URL.
 */
export function sandboxAvatar(origin: string, seed: string): string {
  return `${new URL(origin).origin}/sandbox/avatar/${encodeURIComponent(seed)}.svg`;
}

function nameOf(userid: string): string {
  return [...GUIDES, ...MANAGERS].find((user) => user.userid === userid)?.name ?? userid;
}

/**
 * An id that looks like WeCom's (random to the eye) but is the same for the same seed entry, so
 * two seedings at once (the server's start and the page's button) create one of each.
 *
 * @param prefix what WeCom's ids of that kind start with ("et" tags, "wr" chats; "" for hex).
 * @param key what the id stands for.
 * @param length how many characters follow the prefix.
 * @returns the id.
 */
function stableId(prefix: string, key: string, length: number): string {
  const digest = crypto.createHash("sha256").update(`sandbox-seed:${key}`).digest();
  if (prefix === "") {
    return digest.toString("hex").slice(0, length);
  }
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  return prefix + Array.from(digest.subarray(0, length), (byte) => alphabet[byte % alphabet.length]).join("");
}

/** WeCom's member_version: an opaque string that changes with every membership change. */
function newMemberVersion(): string {
  return crypto.randomBytes(16).toString("hex");
}

/** A new WeChat unionid (the brand's open platform account). */
function newUnionid(): string {
  return sandboxId("o", 27);
}

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
  const at = input.at ?? context.now();
  const name = input.name?.trim() || randomCustomerName();
  const externalUserId = newExternalUserId();
  const welcomeCode = newWelcomeCode();
  await SandboxCustomer.create({
    external_userid: externalUserId,
    name,
    type: 1,
    avatar: sandboxAvatar(context.callbackUrl, externalUserId),
    gender: genderOf(name),
    unionid: newUnionid(),
    created_at: at,
  });
  await SandboxFollow.create({
    external_userid: externalUserId,
    userid,
    createtime: seconds(at),
    tags: input.tags ?? [],
    state: way.state,
    add_way: 1,
    // The customer started it by scanning.
    oper_userid: externalUserId,
    welcome_code: welcomeCode,
    welcome_code_expires_at: new Date(at.getTime() + SANDBOX_WELCOME_CODE_TTL_MS),
  });
  await createCallbackSender(context.callbackUrl, { now: () => at }).addExternalContact({
    userid,
    external_userid: externalUserId,
    state: way.state,
    welcome_code: welcomeCode,
  });
  return { external_userid: externalUserId, userid, name, state: way.state };
}

export interface JoinGroupInput {
  externalUserId: string;
  chatId: string;
  /** How: scanning the group's QR code (default) or invited by the owner. */
  via?: "qr" | "invite";
  at?: Date;
}

/**
 * A customer joins a customer group: WeCom adds the member (refused when the group holds 200),
 * moves member_version on, and sends `change_external_chat` update/add_member carrying the
 * version before and after (wecom-reference §2.2).
 *
 * @param context callback URL and clock.
 * @param input who joins which group, how and when.
 * @returns the group and its member count.
 */
export async function joinGroup(context: SandboxContext, input: JoinGroupInput): Promise<{ chat_id: string; memberCount: number }> {
  const customer = await SandboxCustomer.findById(input.externalUserId).lean();
  if (!customer) {
    throw NotFoundError(`externalUserId: customer ${input.externalUserId}`);
  }
  const at = input.at ?? context.now();
  const via = input.via ?? "qr";
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const group = await SandboxGroup.findById(input.chatId).lean();
    if (!group || group.dismissed) {
      throw NotFoundError(`chatId: group ${input.chatId}`);
    }
    if (group.member_list.some((member) => member.userid === input.externalUserId)) {
      throw ConflictError("externalUserId: 已在群中");
    }
    if (group.member_list.length >= SANDBOX_GROUP_CAPACITY) {
      throw UnprocessableError("group_full", `chatId: 群已满（${SANDBOX_GROUP_CAPACITY} 人）`);
    }
    const version = newMemberVersion();
    const entry = {
      userid: input.externalUserId,
      type: 2,
      join_time: seconds(at),
      // groupchat/get's scale: 1 direct invite, 3 group QR.
      join_scene: via === "qr" ? 3 : 1,
      invitor: via === "invite" ? group.owner : "",
      group_nickname: "",
      name: customer.name,
      unionid: customer.unionid,
    };
    // Conditional on the version read: two joins at once each get their own version step.
    const result = await SandboxGroup.updateOne(
      { _id: input.chatId, member_version: group.member_version },
      { $push: { member_list: entry }, $set: { member_version: version } },
    );
    if (result.modifiedCount !== 1) {
      continue;
    }
    await createCallbackSender(context.callbackUrl, { now: () => at }).groupUpdateAddMember({
      chat_id: input.chatId,
      // The event's scale: 0 invited by a member, 3 group QR.
      join_scene: via === "qr" ? 3 : 0,
      mem_change_list: [input.externalUserId],
      last_mem_ver: group.member_version,
      cur_mem_ver: version,
    });
    return { chat_id: input.chatId, memberCount: group.member_list.length + 1 };
  }
  throw ConflictError("chatId: 群成员变动频繁，请重试");
}

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
 * A message in the chat between a customer and a guide (who must be friends). WeCom sends no
 * callback for chat messages; the line only joins the chat window's transcript.
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

/**
 * The phone number a sandbox customer gives at the till: made up, but always the same for the
 * same customer, so their orders land on one member.
 *
 * @param externalUserId the customer.
 * @returns a mainland mobile number.
 */
export function phoneOf(externalUserId: string): string {
  const digits = BigInt(`0x${crypto.createHash("sha256").update(`sandbox-phone:${externalUserId}`).digest("hex").slice(0, 15)}`) % 1_000_000_000n;
  const prefixes = ["13", "15", "17", "18", "19"];
  const prefix = prefixes[Number(digits % BigInt(prefixes.length))] ?? "13";
  return `${prefix}${String(digits).padStart(9, "0")}`;
}

export interface BuyInput {
  externalUserId: string;
  amountFen: number;
  /** The store (department id); the guide's store otherwise. */
  storeId?: string;
  /** The guide credited; the customer's first guide otherwise. */
  guideUserId?: string;
  at?: Date;
}

/** What a purchase did, with the member it landed on. */
export type BuyResult = OrderOutcome & { member?: { memberNo: string; levelCode: string; points: number; growth: number } };

/**
 * The customer buys in a store: the till reports the order like an order feed (channel "store",
 * the customer's phone and WeCom id, the store and guide), recorded by the product's
 * orderRecorder — which creates the member on the first purchase, credits growth and points and
 * upgrades the level.
 *
 * @param context the clock.
 * @param input the customer, amount, and optionally store, guide and time.
 * @returns the order's outcome and the member afterwards.
 */
export async function buy(context: SandboxContext, input: BuyInput): Promise<BuyResult> {
  const customer = await SandboxCustomer.findById(input.externalUserId).lean();
  if (!customer) {
    throw NotFoundError(`externalUserId: customer ${input.externalUserId}`);
  }
  const follows = await SandboxFollow.find({ external_userid: input.externalUserId }, { userid: 1, createtime: 1 }).lean();
  const guideUserId = input.guideUserId ?? [...follows].sort((a, b) => a.createtime - b.createtime)[0]?.userid;
  const guide = guideUserId ? await SandboxUser.findById(guideUserId, { main_department: 1 }).lean() : null;
  if (input.guideUserId && !guide) {
    throw NotFoundError(`guideUserId: member ${input.guideUserId}`);
  }
  const storeId = input.storeId ?? (guide && guide.main_department !== BRAND.id ? String(guide.main_department) : undefined);
  if (input.storeId && !(await SandboxDepartment.exists({ _id: Number(input.storeId) }))) {
    throw NotFoundError(`storeId: store ${input.storeId}`);
  }
  const at = input.at ?? context.now();
  const order: OrderInput = {
    channel: "store",
    orderNo: storeOrderNo(at),
    amount: input.amountFen,
    paidAt: at,
    status: "paid",
    refundedAmount: 0,
    member: { externalUserId: input.externalUserId, phone: phoneOf(input.externalUserId), name: customer.name },
    items: [{ name: "门店消费", quantity: 1, amount: input.amountFen }],
    ...(storeId ? { storeId } : {}),
    ...(guideUserId ? { guideUserId } : {}),
  };
  const { program } = await currentProgram();
  const outcome = await orderRecorder(order, program, context.now());
  if (outcome.result === "rejected") {
    return outcome;
  }
  const member = await Member.findById(outcome.memberId, { memberNo: 1, levelCode: 1, points: 1, growth: 1 }).lean();
  return member ? { ...outcome, member: { memberNo: member.memberNo, levelCode: member.levelCode, points: member.points, growth: member.growth } } : outcome;
}

/** A till's order number: date, time and a random tail. */
function storeOrderNo(at: Date): string {
  const stamp = at.toISOString().replace(/\D/g, "").slice(0, 14);
  return `SB${stamp}${crypto.randomInt(0, 1_000_000).toString().padStart(6, "0")}`;
}
