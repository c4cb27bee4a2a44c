import crypto from "node:crypto";
import type { Types } from "mongoose";
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { AppError, ConflictError, NotFoundError, ValidationError, WeComApiError } from "../errors.ts";
import { ChannelCode, type ChannelCodeAttrs, type ChannelCodeType } from "../models/ChannelCode.ts";
import type { WeComClient } from "../wecom/client.ts";
import channelCodeReconciler, { findContactWayByState } from "./channelCodeReconciler.ts";
import { effectiveNow, sameEffective } from "./channelCodeSwitcher.ts";
import { cancelSwitch, scheduleSwitch } from "./channelCodeTimer.ts";

type StoredCode = ChannelCodeAttrs & { _id: Types.ObjectId };

/** What the console sends for a code (validated at the edge). */
export interface ChannelCodeInput {
  name: string;
  channel: string;
  type: ChannelCodeType;
  storeId: string | null;
  guides: { userId: string; slots: { day: number; start: string; end: string }[]; holidays: string[] }[];
  backupGuides: string[];
  dailyCap: number | null;
  skipVerify: { mode: "always" | "never" | "window"; start?: string | null; end?: string | null };
  welcome: { text: string; attachments: { type: "image" | "link" | "miniprogram"; imageId?: string | null; title?: string | null; url?: string | null; desc?: string | null; picUrl?: string | null; appid?: string | null; page?: string | null }[] };
  tagIds: string[];
  state?: string | undefined;
}

// The errcodes an operator can act on, said plainly; the rest are named by number.
const REFUSALS: Record<number, string> = {
  40003: "导购的企业微信账号不存在",
  60111: "导购的企业微信账号不存在",
  84074: "导购没有客户联系权限",
  40098: "导购尚未实名认证",
  41044: "企业微信中已没有这个联系方式",
  41045: "联系我数量已达企业上限",
  40058: "参数不合法",
  48002: "应用没有客户联系接口权限",
};

function refusal(error: unknown): never {
  if (error instanceof WeComApiError) {
    const field = [40003, 60111, 84074, 40098].includes(error.errcode) ? "guides" : "wecom";
    throw new AppError(422, "wecom_refused", `${field}: 企业微信拒绝：${REFUSALS[error.errcode] ?? error.errmsg}（${error.errcode}）`);
  }
  throw new AppError(502, "wecom_unavailable", "wecom: 企业微信暂时无法访问，活码未改变，请稍后再试");
}

const remarkOf = (name: string) => [...name].slice(0, 30).join("");
const newState = () => `cc_${crypto.randomBytes(9).toString("base64url")}`;

/**
 * Create a code: stored first as pending (its state is its key with WeCom), then add_contact_way,
 * then WeCom's config_id stored before anything else. WeCom refusing removes the pending code; a
 * timeout is settled by looking the state up in WeCom's list.
 *
 * @param props the client, the input and the clock.
 * @returns the stored code.
 */
export async function createChannelCode({ wecom, input, now }: { wecom: WeComClient; input: ChannelCodeInput; now: Date }): Promise<StoredCode> {
  const state = input.state ?? newState();
  const pending = await ChannelCode.create({ ...input, state, status: "pending" }).catch((error: unknown) => {
    throw isDuplicateKeyError(error) ? ConflictError("state: 该 state 已被其他活码使用") : error;
  });
  const { effective, next } = await effectiveNow(pending, now);
  if (effective.userIds.length === 0) {
    await ChannelCode.deleteOne({ _id: pending._id });
    throw ValidationError("guides: 至少需要一名导购");
  }
  // If this process dies before WeCom's answer is stored, the job settles the pending code.
  await scheduleSwitch(String(pending._id), new Date(now.getTime() + 60_000));
  const remark = remarkOf(input.name);
  let way: { configId: string; qrCode: string } | null;
  try {
    const answer = await wecom.post<{ config_id: string; qr_code?: string }>("/cgi-bin/externalcontact/add_contact_way", {
      type: input.type === "single" ? 1 : 2,
      scene: 2,
      remark,
      skip_verify: effective.skipVerify,
      state,
      user: effective.userIds,
    });
    way = { configId: answer.config_id, qrCode: answer.qr_code ?? "" };
  } catch (error) {
    way = error instanceof WeComApiError ? null : await findContactWayByState(wecom, { state, createdAt: pending.createdAt }, now).catch(() => null);
    if (!way) {
      await ChannelCode.deleteOne({ _id: pending._id });
      await cancelSwitch(String(pending._id));
      refusal(error);
    }
  }
  const stored = await ChannelCode.findOneAndUpdate(
    { _id: pending._id },
    { $set: { configId: way.configId, qrCode: way.qrCode, status: "active", applied: { ...effective, remark }, nextSwitchAt: next } },
    { returnDocument: "after", lean: true },
  );
  await scheduleSwitch(String(pending._id), next);
  return stored as StoredCode;
}

async function activeCode(wecom: WeComClient, id: string, now: Date): Promise<StoredCode> {
  let code = (await ChannelCode.findById(id).lean()) as StoredCode | null;
  if (code?.status === "pending") {
    await channelCodeReconciler({ wecom, codeId: code._id, now });
    code = (await ChannelCode.findById(id).lean()) as StoredCode | null;
  }
  if (!code) {
    throw NotFoundError("channel code");
  }
  if (!code.configId) {
    throw ConflictError("status: 活码仍在创建中，请稍后再试");
  }
  return code;
}

/**
 * Change a code. WeCom is asked first (update_contact_way, only when what it holds would change);
 * our document changes only after WeCom agreed, so a refusal leaves both as they were.
 *
 * @param props the client, the code, the input and the clock.
 * @returns the stored code.
 */
export async function updateChannelCode({ wecom, id, input, now }: { wecom: WeComClient; id: string; input: ChannelCodeInput; now: Date }): Promise<StoredCode> {
  const code = await activeCode(wecom, id, now);
  if (input.type !== code.type) {
    throw ValidationError("type: 活码创建后不能更改类型");
  }
  const state = input.state ?? code.state;
  if (state !== code.state && (await ChannelCode.exists({ state }))) {
    throw ConflictError("state: 该 state 已被其他活码使用");
  }
  const { effective, next } = await effectiveNow({ ...input, _id: code._id }, now);
  if (effective.userIds.length === 0) {
    throw ValidationError("guides: 至少需要一名导购");
  }
  const remark = remarkOf(input.name);
  const held = code.applied ? { userIds: [...code.applied.userIds], skipVerify: code.applied.skipVerify } : null;
  if (!sameEffective(held, effective) || remark !== code.applied?.remark || state !== code.state) {
    await wecom
      .post("/cgi-bin/externalcontact/update_contact_way", { config_id: code.configId, remark, skip_verify: effective.skipVerify, state, user: effective.userIds })
      .catch(refusal);
  }
  const stored = await ChannelCode.findOneAndUpdate(
    { _id: code._id },
    { $set: { ...input, state, applied: { ...effective, remark }, nextSwitchAt: next, lostLastGuideAt: null } },
    { returnDocument: "after", lean: true },
  );
  await scheduleSwitch(String(code._id), next);
  return stored as StoredCode;
}

/**
 * Delete a code in WeCom (del_contact_way), then here. A way WeCom no longer has (41044) counts
 * as deleted; any other refusal leaves the code in both places.
 *
 * @param props the client, the code and the clock.
 */
export async function deleteChannelCode({ wecom, id, now }: { wecom: WeComClient; id: string; now: Date }): Promise<void> {
  const code = await activeCode(wecom, id, now);
  await wecom.post("/cgi-bin/externalcontact/del_contact_way", { config_id: code.configId }).catch((error: unknown) => {
    if (!(error instanceof WeComApiError && error.errcode === 41044)) {
      refusal(error);
    }
  });
  await ChannelCode.deleteOne({ _id: code._id });
  await cancelSwitch(String(code._id));
}
