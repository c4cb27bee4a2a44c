import type { MassAttachment } from "../models/MassMessage.ts";

/** Turns a stored image/video file into a WeCom media id (valid 3 days: re-uploaded when lapsed). */
export type MediaIdOf = (fileId: string, now: Date) => Promise<string>;

/** add_msg_template's content part (wecom-reference §4.9, attachments as §4.5). */
export interface MassContent {
  text?: { content: string };
  attachments: Record<string, unknown>[];
}

/**
 * @param campaign text and attachments as stored.
 * @param mediaIdOf the media library's upload.
 * @param now the clock.
 * @returns the body fields for add_msg_template.
 */
export async function massContent(campaign: { text?: string | null; attachments: MassAttachment[] }, mediaIdOf: MediaIdOf, now: Date): Promise<MassContent> {
  const attachments: Record<string, unknown>[] = [];
  for (const attachment of campaign.attachments) {
    switch (attachment.kind) {
      case "image":
        attachments.push({ msgtype: "image", image: { media_id: await mediaIdOf(attachment.fileId ?? "", now) } });
        break;
      case "video":
        attachments.push({ msgtype: "video", video: { media_id: await mediaIdOf(attachment.fileId ?? "", now) } });
        break;
      case "link":
        attachments.push({ msgtype: "link", link: { title: attachment.title, url: attachment.url, desc: attachment.desc || undefined, picurl: attachment.picUrl || undefined } });
        break;
      case "miniprogram":
        attachments.push({ msgtype: "miniprogram", miniprogram: { title: attachment.title, appid: attachment.appid, page: attachment.page, pic_media_id: await mediaIdOf(attachment.fileId ?? "", now) } });
        break;
    }
  }
  return { ...(campaign.text ? { text: { content: campaign.text } } : {}), attachments };
}

const REASONS: Record<number, string> = {
  40003: "导购账号无效",
  60111: "导购账号不存在",
  40096: "客户 ID 无效",
  41048: "没有可接收的客户（均已不是好友或已达接收上限）",
  40058: "内容不合法（文字过长或附件过多）",
  40007: "图片或视频素材已失效",
  48002: "应用没有客户联系权限",
  84074: "导购没有客户联系权限",
  60011: "应用无权管理该导购",
};

/**
 * @param errcode WeCom's errcode.
 * @param errmsg WeCom's errmsg (kept for codes we do not name).
 * @returns the reason shown to the operator, in Chinese.
 */
export function massFailReason(errcode: number, errmsg: string): string {
  return `企业微信拒绝（${errcode}）：${REASONS[errcode] ?? errmsg}`;
}
