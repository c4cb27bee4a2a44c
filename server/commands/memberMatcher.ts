import type { Types } from "mongoose";
import type { Program } from "../domain/program.ts";
import { ConflictError, ValidationError } from "../errors.ts";
import { Counter } from "../models/Counter.ts";
import { Member, type MemberAttrs } from "../models/Member.ts";
import { MemberIdentity, type IdentityKind } from "../models/MemberIdentity.ts";
import { normalizePhone, phoneHash, protectPhone } from "../security/personalData.ts";
import memberLinkRefresher from "./memberLinkRefresher.ts";
import memberRecruitCounter from "./memberRecruitCounter.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";

/** What a channel tells us about the person. */
export interface IdentityClaims {
  unionid?: string;
  phone?: string;
  externalUserId?: string;
  buyer?: { channel: string; buyerId: string };
}

interface Props {
  claims: IdentityClaims;
  name?: string;
  sourceChannel: string;
  /** The store a new member joins at (the order's store); their manager's scope follows it. */
  homeStoreId?: string | null;
  /** How the identities were learnt: order, wecom, guide_binding. */
  via: string;
  byUserId?: string | null;
  /** Create a member when none matches (orders only when they carry a phone or unionid). */
  create: boolean;
  program: Program;
  now: Date;
}

export type StoredMember = MemberAttrs & { _id: Types.ObjectId };
/** How each identity kind is named in messages (the request field it comes from). */
export const IDENTITY_LABEL: Record<IdentityKind, string> = { unionid: "unionid", phone: "phone", customer: "externalUserId", buyer: "buyerId" };

/**
 * Find the one member these identities belong to (unionid first, then phone, then an explicit
 * binding), attach the identities not yet known, or create the member. Identities that point at
 * two different members are a conflict for a person to decide: nothing is changed.
 *
 * @param props claims, name, channel and whether to create.
 * @returns the member (null when none matched and create was false) and whether it was created.
 */
export default async function memberMatcher(props: Props): Promise<{ member: StoredMember | null; created: boolean }> {
  const identities = identityKeys(props.claims);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    const owners = await ownersOf(identities.map((identity) => identity.id));
    const memberIds = [...new Set([...owners.values()].map(String))];
    if (memberIds.length > 1) {
      throw conflict(identities, owners);
    }
    if (memberIds.length === 1) {
      const memberId = [...owners.values()][0] as Types.ObjectId;
      await attach(identities.filter((identity) => !owners.has(identity.id)), memberId, props);
      const member = (await Member.findById(memberId).lean()) as StoredMember | null;
      return { member, created: false };
    }
    if (!props.create) {
      return { member: null, created: false };
    }
    const created = await createMember(identities, props);
    if (created) {
      return { member: created, created: true };
    }
    // Another request created a member for the same person first: match again.
  }
  throw ConflictError("member: identities changed while matching; try again");
}

/**
 * Bind identities to a chosen member (a guide's explicit binding). An identity that already
 * belongs to another member is a conflict: nothing is changed.
 *
 * @param props the member, the claims, how and by whom.
 * @returns nothing.
 */
export async function identityBinder(props: {
  memberId: Types.ObjectId;
  claims: IdentityClaims;
  via: string;
  byUserId: string | null;
  program: Program;
  now: Date;
}): Promise<void> {
  const identities = identityKeys(props.claims);
  const owners = await ownersOf(identities.map((identity) => identity.id));
  const taken = identities.find((identity) => owners.has(identity.id) && !owners.get(identity.id)?.equals(props.memberId));
  if (taken) {
    throw ConflictError(`${IDENTITY_LABEL[taken.kind]}: 已属于另一位会员，未做任何修改`);
  }
  await attach(
    identities.filter((identity) => !owners.has(identity.id)),
    props.memberId,
    { ...props, sourceChannel: "wecom", create: false },
  );
}

/** The identity keys a set of claims stands for, strongest first. */
export function identityKeys(claims: IdentityClaims): { id: string; kind: IdentityKind }[] {
  const keys: { id: string; kind: IdentityKind }[] = [];
  if (claims.unionid) {
    keys.push({ id: `unionid:${claims.unionid}`, kind: "unionid" });
  }
  if (claims.phone) {
    const normalized = normalizePhone(claims.phone);
    if (!normalized) {
      throw ValidationError("phone: is not a mainland mobile number");
    }
    keys.push({ id: `phone:${phoneHash(normalized)}`, kind: "phone" });
  }
  if (claims.externalUserId) {
    keys.push({ id: `customer:${claims.externalUserId}`, kind: "customer" });
  }
  if (claims.buyer) {
    keys.push({ id: `buyer:${claims.buyer.channel}:${claims.buyer.buyerId}`, kind: "buyer" });
  }
  return keys;
}

async function ownersOf(ids: string[]): Promise<Map<string, Types.ObjectId>> {
  // One lookup per key by _id: the embedded database indexes nothing else.
  const found = await Promise.all(ids.map((id) => MemberIdentity.findById(id, { memberId: 1 }).lean()));
  return new Map(found.flatMap((identity) => (identity ? [[identity._id, identity.memberId] as const] : [])));
}

async function attach(
  identities: { id: string; kind: IdentityKind }[],
  memberId: Types.ObjectId,
  props: Props,
): Promise<void> {
  for (const identity of identities) {
    try {
      await MemberIdentity.create({ _id: identity.id, kind: identity.kind, memberId, via: props.via, byUserId: props.byUserId ?? null, at: props.now });
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
      const owner = await MemberIdentity.findById(identity.id, { memberId: 1 }).lean();
      if (owner && !owner.memberId.equals(memberId)) {
        throw ConflictError(`${IDENTITY_LABEL[identity.kind]}: 已属于另一位会员，未做任何修改，请人工确认是否合并`);
      }
    }
    await recordOnMember(identity.kind, memberId, props.claims, props.now);
  }
}

async function recordOnMember(kind: IdentityKind, memberId: Types.ObjectId, claims: IdentityClaims, now: Date): Promise<void> {
  if (kind === "customer" && claims.externalUserId) {
    await Member.updateOne({ _id: memberId }, { $addToSet: { externalUserIds: claims.externalUserId } });
    await memberLinkRefresher(memberId);
    await memberRecruitCounter({ memberId, now });
  } else if (kind === "unionid" && claims.unionid) {
    await Member.updateOne({ _id: memberId }, { $set: { unionid: claims.unionid } });
  } else if (kind === "phone" && claims.phone) {
    const protectedPhone = protectPhone(normalizePhone(claims.phone) as string);
    await Member.updateOne(
      { _id: memberId },
      { $set: { phoneHash: protectedPhone.hash, phoneEncrypted: protectedPhone.encrypted, phoneMasked: protectedPhone.masked } },
    );
  }
}

async function createMember(identities: { id: string; kind: IdentityKind }[], props: Props): Promise<StoredMember | null> {
  const counter = await Counter.findOneAndUpdate({ _id: "memberNo" }, { $inc: { value: 1 } }, { upsert: true, returnDocument: "after", lean: true });
  const member = await Member.create({
    memberNo: `M${String(counter?.value ?? Date.now()).padStart(8, "0")}`,
    name: props.name ?? "",
    sourceChannel: props.sourceChannel,
    homeStoreId: props.homeStoreId ?? null,
    joinedAt: props.now,
    levelCode: props.program.levels[0]?.code ?? "regular",
  });
  const [first, ...rest] = identities;
  if (!first) {
    return member.toObject() as StoredMember;
  }
  try {
    await MemberIdentity.create({ _id: first.id, kind: first.kind, memberId: member._id, via: props.via, byUserId: props.byUserId ?? null, at: props.now });
  } catch (error) {
    await Member.deleteOne({ _id: member._id });
    if (isDuplicateKeyError(error)) {
      return null;
    }
    throw error;
  }
  await recordOnMember(first.kind, member._id, props.claims, props.now);
  await attach(rest, member._id, props);
  return (await Member.findById(member._id).lean()) as StoredMember;
}

function conflict(identities: { id: string; kind: IdentityKind }[], owners: Map<string, Types.ObjectId>): Error {
  return ConflictError(conflictMessage(identities, owners));
}

/**
 * The words for identities that belong to two members; the bulk importer refuses rows with them too.
 *
 * @param identities the row's identity keys.
 * @param owners member id per identity key already owned.
 * @returns the message naming the two identities.
 */
export function conflictMessage(identities: { id: string; kind: IdentityKind }[], owners: Map<string, Types.ObjectId>): string {
  const first = identities.find((identity) => owners.has(identity.id));
  const firstOwner = first ? String(owners.get(first.id)) : "";
  const other = identities.find((identity) => owners.has(identity.id) && String(owners.get(identity.id)) !== firstOwner);
  const names = [first, other].flatMap((identity) => (identity ? [IDENTITY_LABEL[identity.kind]] : []));
  return `${names.join(" / ")}: 分别属于两位不同的会员，未做任何修改，请人工确认是否合并`;
}
