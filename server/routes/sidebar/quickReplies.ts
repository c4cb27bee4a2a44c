import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import quickReplyFinder, { quickReplyFolders } from "../../commands/quickReplyFinder.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { presentQuickReply, presentQuickReplyFolder } from "../../presenters/quickReply.ts";
import { QuickReplyListSchema } from "../console/quickRepliesSchema.ts";

/**
 * The quick-reply library as guides read it in the sidebar. Every role may read it, so there is
 * no record-level check; the caller mounts this under /api/sidebar behind authentication.
 *
 * @returns the router (paths without the /api/sidebar prefix).
 */
export function sidebarQuickRepliesRouter(): Router {
  const router = createRouter();

  router.get("/quick-reply-folders", async (ctx) => {
    ctx.body = { data: (await quickReplyFolders()).map(({ folder, count }) => presentQuickReplyFolder(folder, count)) };
  });

  router.get("/quick-replies", validate(QuickReplyListSchema), async (ctx) => {
    const { query } = inputOf(ctx, QuickReplyListSchema);
    const { replies, total } = await quickReplyFinder(query);
    ctx.body = { data: replies.map(presentQuickReply), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });

  return router;
}
