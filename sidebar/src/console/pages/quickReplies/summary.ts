import type { PresentedQuickReply } from "@server/presenters/quickReply";

/**
 * @param reply a quick reply.
 * @returns one line describing its content, for the table.
 */
export function summary(reply: PresentedQuickReply): string {
  switch (reply.kind) {
    case "text":
      return reply.content.text;
    case "image":
      return reply.content.imageUrl || reply.content.mediaId;
    case "link":
      return `${reply.content.title} · ${reply.content.url}`;
    case "miniprogram":
      return `${reply.content.title} · ${reply.content.page}`;
  }
}
