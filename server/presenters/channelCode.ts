import type { Types } from "mongoose";
import type { ChannelCodeAttrs, ChannelCodeType } from "../models/ChannelCode.ts";

export interface PresentedSlot {
  day: number;
  start: string;
  end: string;
}

export interface PresentedWelcomeAttachment {
  type: "image" | "link" | "miniprogram";
  imageId: string | null;
  title: string | null;
  url: string | null;
  desc: string | null;
  picUrl: string | null;
  appid: string | null;
  page: string | null;
}

export interface PresentedChannelCode {
  id: string;
  name: string;
  channel: string;
  type: ChannelCodeType;
  storeId: string | null;
  guides: { userId: string; slots: PresentedSlot[]; holidays: string[] }[];
  backupGuides: string[];
  dailyCap: number | null;
  skipVerify: { mode: "always" | "never" | "window"; start: string | null; end: string | null };
  welcome: { text: string; attachments: PresentedWelcomeAttachment[] };
  tagIds: string[];
  state: string;
  status: "pending" | "active";
  qrCode: string | null;
  /** Who WeCom has answering now, and whether customers skip verification. */
  answering: { userIds: string[]; skipVerify: boolean } | null;
  nextSwitchAt: string | null;
  /** The last guide left the company: nobody is scheduled any more. */
  lostLastGuide: boolean;
  createdAt: string | null;
}

/** Who answers a code now, as the schedule says (the console's 当前接待). */
export interface PresentedAnswering {
  userIds: string[];
  skipVerify: boolean;
  addsToday: { userId: string; adds: number }[];
  dailyCap: number | null;
  nextSwitchAt: string;
}

export interface PresentedChannelCodeDay {
  day: string;
  userId: string;
  adds: number;
}

/**
 * A channel code (config_id stays on the server: only WeCom calls need it).
 *
 * @param code the stored code.
 * @returns the public shape.
 */
export function presentChannelCode(code: ChannelCodeAttrs & { _id: Types.ObjectId }): PresentedChannelCode {
  return {
    id: String(code._id),
    name: code.name,
    channel: code.channel,
    type: code.type,
    storeId: code.storeId ?? null,
    guides: code.guides.map((guide) => ({ userId: guide.userId, slots: guide.slots.map(({ day, start, end }) => ({ day, start, end })), holidays: [...guide.holidays] })),
    backupGuides: [...code.backupGuides],
    dailyCap: code.dailyCap ?? null,
    skipVerify: { mode: code.skipVerify?.mode ?? "always", start: code.skipVerify?.start ?? null, end: code.skipVerify?.end ?? null },
    welcome: {
      text: code.welcome?.text ?? "",
      attachments: (code.welcome?.attachments ?? []).map((item) => ({
        type: item.type,
        imageId: item.imageId ?? null,
        title: item.title ?? null,
        url: item.url ?? null,
        desc: item.desc ?? null,
        picUrl: item.picUrl ?? null,
        appid: item.appid ?? null,
        page: item.page ?? null,
      })),
    },
    tagIds: [...code.tagIds],
    state: code.state,
    status: code.status,
    qrCode: code.qrCode ?? null,
    answering: code.applied ? { userIds: [...code.applied.userIds], skipVerify: code.applied.skipVerify } : null,
    nextSwitchAt: code.nextSwitchAt?.toISOString() ?? null,
    lostLastGuide: Boolean(code.lostLastGuideAt),
    createdAt: (code as { createdAt?: Date }).createdAt?.toISOString() ?? null,
  };
}
