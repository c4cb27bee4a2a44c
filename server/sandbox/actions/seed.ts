// The sandbox corp on WeCom's side, set up once: what an admin does in WeCom's admin console, and
// the callbacks WeCom sends for it, so the product's directory, tag mirror and groups fill through
// its real pipeline.
import crypto from "node:crypto";
import { isDuplicateKeyError } from "../../db/duplicates.ts";
import { sandboxAvatar } from "../avatars.ts";
import type { CallbackFields } from "../callbackSender.ts";
import { BRAND, CONTACT_WAYS, GROUPS, MANAGERS, PEOPLE, STORES, TAG_GROUPS, type UserSeed } from "../demoData.ts";
import { newMemberVersion, SandboxContactWay, SandboxDepartment, SandboxGroup, SandboxTagGroup, SandboxUser, unix } from "../models/index.ts";
import { qrUrl } from "../wecomApi/qr.ts";
import { callbacksAt, DAY_MS, type SandboxContext } from "./context.ts";

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
 * 12 guides, 2 managers and the brand's operator, corp tag groups, a poster and a till channel
 * code per store plus a brand-wide one, and two customer groups per store. What an admin does in
 * WeCom's admin console produces callbacks, and those are sent (directory: `change_contact`;
 * tags: `change_external_tag`; groups: `change_external_chat` create). Contact ways produce no
 * callback. Anything already there is left alone, so this is safe to call at every start.
 *
 * @param context callback URL and clock.
 * @returns what was created now.
 */
export async function seedCorp(context: SandboxContext): Promise<SeedSummary> {
  const now = context.now();
  const summary: SeedSummary = { departments: 0, users: 0, tagGroups: 0, contactWays: 0, groups: 0 };
  const send = (fields: CallbackFields, at = now) => callbacksAt(context, at).send(fields);
  const directory = (changeType: string, fields: CallbackFields) => send({ Event: "change_contact", ChangeType: changeType, ...fields });

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
  for (const user of PEOPLE) {
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
        create_time: unix(now),
        tag: group.tags.map((name, index) => ({ id: stableId("et", `tag:${group.name}:${name}`, 22), name, order: group.tags.length - index, create_time: unix(now) })),
      }),
    );
    if (created) {
      summary.tagGroups += 1;
      await send({ Event: "change_external_tag", ChangeType: "create", Id: groupId, TagType: "tag_group" });
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
      create_time: unix(groupsSince),
      notice: group.notice,
      admin_list: [],
      member_list: [{ userid: group.owner, type: 1, join_time: unix(groupsSince), join_scene: 1, invitor: "", name: nameOf(group.owner) }],
      member_version: newMemberVersion(),
    }));
    if (created) {
      summary.groups += 1;
      await send({ Event: "change_external_chat", ChangeType: "create", ChatId: chatId }, groupsSince);
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

function nameOf(userid: string): string {
  return PEOPLE.find((user) => user.userid === userid)?.name ?? userid;
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
