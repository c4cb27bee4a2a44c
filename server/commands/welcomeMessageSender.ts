import type { Types } from "mongoose";
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { WeComApiError } from "../errors.ts";
import { getLogger } from "../logging/logger.ts";
import type { ChannelCodeAttrs } from "../models/ChannelCode.ts";
import { WelcomeSend } from "../models/WelcomeSend.ts";
import type { WeComClient } from "../wecom/client.ts";
import welcomeMediaUploader from "./welcomeMediaUploader.ts";

/** WeCom accepts a welcome code for 20 s after the add (wecom-reference.md §4.5). */
export const WELCOME_WINDOW_MS = 20_000;
// 41051: the customer is already chatting, the welcome was delivered: done.
const ALREADY_SENT = 41051;
// 41096: another app is sending this welcome and may still fail: trying again is allowed.
const ANOTHER_APP_SENDING = 41096;
// 40007: invalid media id, i.e. the cached upload lapsed earlier than we counted.
const INVALID_MEDIA = 40007;

interface Props {
  wecom: WeComClient;
  code: Pick<ChannelCodeAttrs, "welcome"> & { _id: Types.ObjectId };
  welcomeCode: string;
  userId: string;
  externalUserId: string;
  /** The customer's name as the add's sync just stored it, for {客户昵称}. */
  customerName: string | null;
  /** The add's CreateTime. */
  eventAt: Date;
  now: Date;
}

async function attachmentsOf(wecom: WeComClient, code: Props["code"], now: Date, force: boolean): Promise<unknown[]> {
  const media = (imageId: string | null | undefined) => (imageId ? welcomeMediaUploader({ wecom, imageId, now, force }) : Promise.resolve(undefined));
  return Promise.all(
    (code.welcome?.attachments ?? []).map(async (item) => {
      if (item.type === "image") {
        return { msgtype: "image", image: { media_id: await media(item.imageId) } };
      }
      if (item.type === "link") {
        return { msgtype: "link", link: { title: item.title, picurl: item.picUrl ?? undefined, desc: item.desc ?? undefined, url: item.url } };
      }
      return { msgtype: "miniprogram", miniprogram: { title: item.title, pic_media_id: await media(item.imageId), appid: item.appid, page: item.page } };
    }),
  );
}

/**
 * Send a code's welcome for one welcome code, at most once: a record keyed by the welcome code is
 * created first, so a retried callback finds it and stops. A code older than WeCom's 20 s is
 * recorded as expired, not sent; 41051 counts as sent.
 *
 * @param props the client, the code, the add and the clock.
 * @returns what happened.
 */
export default async function welcomeMessageSender({ wecom, code, welcomeCode, userId, externalUserId, customerName, eventAt, now }: Props): Promise<"sent" | "expired" | "failed" | "skipped"> {
  const late = now.getTime() - eventAt.getTime() > WELCOME_WINDOW_MS;
  try {
    await WelcomeSend.create({ _id: welcomeCode, codeId: String(code._id), userId, externalUserId, status: late ? "expired" : "sending", eventAt, at: now });
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
    // Only a send that died half-way is tried again (WeCom itself takes a welcome code once).
    const again = await WelcomeSend.findOneAndUpdate({ _id: welcomeCode, status: "sending" }, { $set: { at: now } }, { lean: true });
    if (!again) {
      return "skipped";
    }
  }
  if (late) {
    await WelcomeSend.updateOne({ _id: welcomeCode }, { $set: { status: "expired" } });
    return "expired";
  }
  const text = (code.welcome?.text ?? "").replaceAll("{客户昵称}", customerName ?? "");
  const send = async (force: boolean) =>
    wecom.post("/cgi-bin/externalcontact/send_welcome_msg", {
      welcome_code: welcomeCode,
      text: text ? { content: text } : undefined,
      attachments: await attachmentsOf(wecom, code, now, force),
    });
  let status: "sent" | "failed" = "sent";
  let errcode: number | null = null;
  try {
    await send(false).catch((error: unknown) => {
      if (error instanceof WeComApiError && error.errcode === INVALID_MEDIA) {
        return send(true);
      }
      throw error;
    });
  } catch (error) {
    if (!(error instanceof WeComApiError) || error.errcode === ANOTHER_APP_SENDING) {
      // Unreachable WeCom, or another app mid-send: leave the record "sending" so the event's retry may try within the window.
      throw error;
    }
    errcode = error.errcode;
    status = error.errcode === ALREADY_SENT ? "sent" : "failed";
    if (status === "failed") {
      getLogger("callback").warn({ codeId: String(code._id), errcode }, "welcome message refused");
    }
  }
  await WelcomeSend.updateOne({ _id: welcomeCode }, { $set: { status, errcode } });
  return status;
}
