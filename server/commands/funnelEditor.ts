import type { Types } from "mongoose";
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { ConflictError, NotFoundError, UnprocessableError, ValidationError, WeComApiError } from "../errors.ts";
import { desiredChatIds } from "../domain/funnelPool.ts";
import { Funnel, FunnelChat, type PoolGroupAttrs, type StoredFunnel } from "../models/Funnel.ts";
import { Group } from "../models/Group.ts";
import { WeComNetworkError, type WeComClient } from "../wecom/client.ts";
import { addJoinWay, deleteJoinWay, joinWayQrCode, updateJoinWay, type JoinWayConfig } from "./funnelJoinWay.ts";
import { imageExists } from "./funnelImages.ts";
import funnelRotator from "./funnelRotator.ts";
import groupSyncer from "./groupSyncer.ts";
import { invalidateLanding } from "./landingCache.ts";

/** A pool group as an operator gives it. */
export type FunnelGroupInput = { kind: "wecom"; chatId: string } | { kind: "image"; imageId: string; name: string; expiresAt: Date; chatId?: string | undefined };

/** A funnel as an operator edits it (the slug is fixed once created: the poster points at it). */
export interface FunnelInput {
  name: string;
  landingText: string;
  landingImageUrl: string;
  threshold: number;
  lowPoolWarning: number;
  paused: boolean;
  autoCreateRoom: boolean;
  roomBaseName: string;
  roomBaseId: number;
  groups: FunnelGroupInput[];
}

interface Context {
  wecom: WeComClient;
  now: Date;
}

const wecomRefused = (error: unknown) => {
  if (error instanceof WeComApiError) {
    return UnprocessableError("wecom_refused", `groups: 企业微信拒绝了加入群聊设置：${error.errmsg}（${error.errcode}），活码未改动`);
  }
  return error instanceof WeComNetworkError ? UnprocessableError("wecom_unreachable", "groups: 暂时连不上企业微信，活码未改动，请稍后重试") : error;
};

/**
 * Create a funnel and, when it has groups the app manages, its join way on WeCom. The join way's
 * config id is stored the moment WeCom answers, before the QR is read: without it the join way
 * could never be edited again. A refusal by WeCom leaves nothing behind.
 *
 * @param input the funnel, its slug and optional state.
 * @param context the client and the clock.
 * @returns the stored funnel.
 */
export async function createFunnel(input: FunnelInput & { slug: string; state?: string | undefined }, { wecom, now }: Context): Promise<StoredFunnel> {
  const state = input.state ?? `g-${input.slug}`.slice(0, 30);
  if (await Funnel.exists({ slug: input.slug })) {
    throw ConflictError(`slug: 链接标识「${input.slug}」已被其他群活码使用`);
  }
  if (await Funnel.exists({ state })) {
    throw ConflictError(`state: 渠道参数「${state}」已被其他群活码使用`);
  }
  const groups = await poolGroups(input, [], { wecom, now });
  const funnel = new Funnel({ ...fields(input), slug: input.slug, state, groups, joinWay: joinWayOf(input, groups, null, now) });
  const linked = await linkChats(funnel._id, groups.map((group) => group.chatId ?? null));
  try {
    await funnel.save();
  } catch (error) {
    await unlinkChats(linked);
    throw isDuplicateKeyError(error) ? ConflictError("slug: 链接标识或渠道参数已被使用") : error;
  }
  if (funnel.joinWay) {
    let configId: string;
    try {
      configId = await addJoinWay(wecom, joinWayConfig(funnel.toObject() as StoredFunnel));
    } catch (error) {
      await Funnel.deleteOne({ _id: funnel._id });
      await unlinkChats(linked);
      throw wecomRefused(error);
    }
    await Funnel.updateOne({ _id: funnel._id }, { $set: { "joinWay.configId": configId } });
    await storeQrCode(wecom, funnel._id, configId);
  }
  await funnelRotator({ wecom, funnelId: funnel._id, now });
  return (await Funnel.findById(funnel._id).lean<StoredFunnel>()) as StoredFunnel;
}

/**
 * Change a funnel. WeCom is told first (add, update or delete the join way as the managed groups
 * require); only when it agrees is the funnel saved, so a refusal changes nothing in either place.
 *
 * @param id the funnel.
 * @param input the whole new funnel.
 * @param context the client and the clock.
 * @returns the stored funnel.
 */
export async function updateFunnel(id: string, input: FunnelInput, { wecom, now }: Context): Promise<StoredFunnel> {
  const before = await Funnel.findById(id).lean<StoredFunnel>();
  if (!before) {
    throw NotFoundError("funnel");
  }
  const groups = await poolGroups(input, before.groups, { wecom, now });
  const oldChats = new Set(before.groups.map((group) => group.chatId).filter((chatId): chatId is string => Boolean(chatId)));
  const newChats = groups.map((group) => group.chatId).filter((chatId): chatId is string => Boolean(chatId));
  const linked = await linkChats(before._id, newChats.filter((chatId) => !oldChats.has(chatId)));
  let joinWay = joinWayOf(input, groups, before.joinWay, now);
  // A join way WeCom has not accepted yet stays owed when this edit does not send it.
  let syncedVersion = before.joinWay?.syncedVersion === before.rotationVersion ? before.rotationVersion + 1 : (before.joinWay?.syncedVersion ?? 0);
  try {
    const sent = await syncJoinWayChange(wecom, before, joinWay, input.name);
    joinWay = sent.joinWay;
    syncedVersion = sent.sent ? before.rotationVersion + 1 : syncedVersion;
  } catch (error) {
    await unlinkChats(linked);
    throw wecomRefused(error);
  }
  const saved = await Funnel.findOneAndUpdate(
    { _id: before._id, rotationVersion: before.rotationVersion },
    { $set: { ...fields(input), groups, joinWay: joinWay && { ...joinWay, syncedVersion } }, $inc: { rotationVersion: 1 } },
    { returnDocument: "after" },
  ).lean<StoredFunnel>();
  if (!saved) {
    await unlinkChats(linked);
    throw ConflictError("groups: 群活码刚刚自动轮换过，请刷新后重试");
  }
  await unlinkChats([...oldChats].filter((chatId) => !newChats.includes(chatId)));
  invalidateLanding(before.slug);
  await funnelRotator({ wecom, funnelId: before._id, now });
  return (await Funnel.findById(before._id).lean<StoredFunnel>()) as StoredFunnel;
}

/**
 * Delete a funnel and its join way (the printed poster then shows the not-found page).
 *
 * @param id the funnel.
 * @param context the client.
 * @returns nothing.
 */
export async function deleteFunnel(id: string, { wecom }: Pick<Context, "wecom">): Promise<void> {
  const funnel = await Funnel.findById(id).lean<StoredFunnel>();
  if (!funnel) {
    throw NotFoundError("funnel");
  }
  if (funnel.joinWay?.configId) {
    try {
      await deleteJoinWay(wecom, funnel.joinWay.configId);
    } catch (error) {
      throw wecomRefused(error);
    }
  }
  await Funnel.deleteOne({ _id: funnel._id });
  await unlinkChats(funnel.groups.map((group) => group.chatId).filter((chatId): chatId is string => Boolean(chatId)));
  invalidateLanding(funnel.slug);
}

function fields(input: FunnelInput) {
  const { name, landingText, landingImageUrl, threshold, lowPoolWarning, paused } = input;
  return { name, landingText, landingImageUrl, threshold, lowPoolWarning, paused };
}

type JoinWay = NonNullable<StoredFunnel["joinWay"]>;

function joinWayOf(input: FunnelInput, groups: PoolGroupAttrs[], previous: StoredFunnel["joinWay"], now: Date): JoinWay | null {
  if (!groups.some((group) => group.kind === "wecom")) {
    return null;
  }
  const shape = { threshold: input.threshold, lowPoolWarning: input.lowPoolWarning, paused: input.paused, groups, joinWay: null };
  let chatIds = desiredChatIds(shape, now);
  if (chatIds.length === 0) {
    // All full: WeCom still wants a list; with auto_create_room it opens the next group itself.
    chatIds = groups.filter((group) => group.kind === "wecom").slice(0, 5).map((group) => group.chatId as string);
  }
  return {
    configId: previous?.configId ?? null,
    qrCode: previous?.qrCode ?? "",
    autoCreateRoom: input.autoCreateRoom,
    roomBaseName: input.roomBaseName || input.name.slice(0, 40),
    roomBaseId: input.roomBaseId,
    chatIds,
    syncedVersion: previous?.syncedVersion ?? 0,
  };
}

function joinWayConfig(funnel: Pick<StoredFunnel, "name" | "state" | "joinWay">): JoinWayConfig {
  const joinWay = funnel.joinWay as JoinWay;
  return { name: funnel.name, state: funnel.state, autoCreateRoom: joinWay.autoCreateRoom, roomBaseName: joinWay.roomBaseName, roomBaseId: joinWay.roomBaseId, chatIds: joinWay.chatIds };
}

async function syncJoinWayChange(wecom: WeComClient, before: StoredFunnel, next: JoinWay | null, name: string): Promise<{ joinWay: JoinWay | null; sent: boolean }> {
  const configId = before.joinWay?.configId;
  if (!next) {
    if (configId) {
      await deleteJoinWay(wecom, configId);
    }
    return { joinWay: null, sent: true };
  }
  const config = joinWayConfig({ name, state: before.state, joinWay: next });
  if (!configId) {
    const created = await addJoinWay(wecom, config);
    // Stored before anything else can fail: a lost config id is a join way nobody can edit.
    await Funnel.updateOne({ _id: before._id }, { $set: { joinWay: { ...next, configId: created } } });
    return { joinWay: { ...next, configId: created, qrCode: await storeQrCode(wecom, before._id, created) }, sent: true };
  }
  if (JSON.stringify(config) === JSON.stringify(joinWayConfig(before))) {
    return { joinWay: next, sent: false };
  }
  await updateJoinWay(wecom, configId, config);
  return { joinWay: next, sent: true };
}

// The join way exists once add_join_way answered; a failed QR read must not undo that, and
// RotateFunnelsJob reads the QR again while it is missing.
async function storeQrCode(wecom: WeComClient, funnelId: Types.ObjectId, configId: string): Promise<string> {
  try {
    const qrCode = await joinWayQrCode(wecom, configId);
    await Funnel.updateOne({ _id: funnelId }, { $set: { "joinWay.qrCode": qrCode } });
    return qrCode;
  } catch (error) {
    if (error instanceof WeComApiError || error instanceof WeComNetworkError) {
      return "";
    }
    throw error;
  }
}

async function poolGroups(input: FunnelInput, previous: PoolGroupAttrs[], context: Context): Promise<PoolGroupAttrs[]> {
  if (input.groups.length === 0) {
    throw ValidationError("groups: 请至少添加一个群（企业微信群或上传的群二维码）");
  }
  const known = new Map(previous.map((group) => [group.key, group]));
  const seen = new Set<string>();
  const groups: PoolGroupAttrs[] = [];
  for (const [index, group] of input.groups.entries()) {
    const key = group.kind === "wecom" ? group.chatId : `img:${group.imageId}`;
    if (seen.has(key) || (group.chatId && seen.has(group.chatId))) {
      throw ValidationError(`groups.${index}: 同一个群不能重复添加`);
    }
    seen.add(key);
    const chat = group.chatId ? await chatOf(group.chatId, index, context) : null;
    if (group.kind === "image" && !(await imageExists(group.imageId))) {
      throw ValidationError(`groups.${index}.imageId: 群二维码图片不存在，请重新上传`);
    }
    if (group.chatId) {
      seen.add(group.chatId);
    }
    const kept = known.get(key);
    groups.push({
      key,
      kind: group.kind,
      chatId: group.chatId ?? null,
      name: group.kind === "image" ? group.name : (chat?.name ?? ""),
      memberCount: chat?.memberCount ?? kept?.memberCount ?? 0,
      joins: kept?.joins ?? 0,
      imageId: group.kind === "image" ? group.imageId : null,
      expiresAt: group.kind === "image" ? group.expiresAt : null,
      dismissed: chat?.dismissed ?? false,
    });
  }
  return groups;
}

async function chatOf(chatId: string, index: number, { wecom, now }: Context): Promise<{ name: string; memberCount: number; dismissed: boolean }> {
  let group = await Group.findOne({ chatId }, { name: 1, members: 1, status: 1 }).lean();
  if (!group) {
    try {
      await groupSyncer({ wecom, chatId, now });
    } catch (error) {
      if (error instanceof WeComApiError) {
        throw ValidationError(`groups.${index}.chatId: 找不到这个客户群，或应用无权管理它（${error.errcode}）`);
      }
      throw wecomRefused(error);
    }
    group = await Group.findOne({ chatId }, { name: 1, members: 1, status: 1 }).lean();
  }
  if (group?.status === "dismissed") {
    throw ValidationError(`groups.${index}.chatId: 群「${group.name}」已解散`);
  }
  return { name: group?.name ?? "", memberCount: (group?.members ?? []).filter((member) => member.status === "in").length, dismissed: false };
}

async function linkChats(funnelId: Types.ObjectId, chatIds: (string | null)[]): Promise<string[]> {
  const linked: string[] = [];
  for (const chatId of chatIds) {
    if (!chatId) {
      continue;
    }
    try {
      await FunnelChat.create({ _id: chatId, funnelId });
      linked.push(chatId);
    } catch (error) {
      await unlinkChats(linked);
      throw isDuplicateKeyError(error) ? ConflictError(`groups: 群 ${chatId} 已在另一个群活码里`) : error;
    }
  }
  return linked;
}

async function unlinkChats(chatIds: string[]): Promise<void> {
  if (chatIds.length > 0) {
    await FunnelChat.deleteMany({ _id: { $in: chatIds } });
  }
}
