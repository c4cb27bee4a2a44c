import type { ChatMessage } from "@shared/ww";
import type { PresentedQuickReply as QuickReply } from "@server/presenters/quickReply";

/**
 * The JS-SDK message for a quick reply. Our content keys are camelCase (`mediaId`, `url`); the
 * SDK wants `mediaid` and calls a link card "news" (wecom-reference §6.6).
 *
 * @param reply the quick reply.
 * @returns what sendChatMessage takes.
 */
export function chatMessageOf(reply: QuickReply): ChatMessage {
  switch (reply.kind) {
    case "text":
      return { msgtype: "text", text: { content: reply.content.text } };
    case "image":
      return { msgtype: "image", image: { mediaid: reply.content.mediaId } };
    case "link":
      return { msgtype: "news", news: { link: reply.content.url, title: reply.content.title, desc: reply.content.desc, imgUrl: reply.content.imgUrl } };
    case "miniprogram":
      return {
        msgtype: "miniprogram",
        miniprogram: { appid: reply.content.appid, title: reply.content.title, imgUrl: reply.content.imgUrl, page: reply.content.page },
      };
  }
}

/** Quick-reply kinds as the guide reads them. */
export { QUICK_REPLY_KIND_LABELS as KIND_NAMES } from "@server/presenters/labels";
