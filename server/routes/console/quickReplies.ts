import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import quickReplyFinder, { quickReplyFolders, type StoredQuickReply, type StoredQuickReplyFolder } from "../../commands/quickReplyFinder.ts";
import { isDuplicateKeyError } from "../../db/duplicates.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../errors.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { QuickReply } from "../../models/QuickReply.ts";
import { QuickReplyFolder } from "../../models/QuickReplyFolder.ts";
import { presentDeletion } from "../../presenters/deletion.ts";
import { presentQuickReply, presentQuickReplyFolder } from "../../presenters/quickReply.ts";
import {
  FolderCreateSchema,
  FolderDeleteSchema,
  FolderUpdateSchema,
  QuickReplyCreateSchema,
  QuickReplyDeleteSchema,
  QuickReplyListSchema,
  QuickReplyUpdateSchema,
  type QuickReplyBody,
} from "./quickRepliesSchema.ts";

/** The unique index decides, so two operators saving the same name at once get one 409. */
async function uniqueFolderName<T>(name: string, save: () => Promise<T>): Promise<T> {
  try {
    return await save();
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      throw ConflictError(`name: 已存在名为「${name}」的分组，请换一个名称`);
    }
    throw error;
  }
}

async function assertFolderExists(body: QuickReplyBody): Promise<void> {
  if (body.folderId && !(await QuickReplyFolder.exists({ _id: body.folderId }))) {
    throw ValidationError("folderId: 分组不存在");
  }
}

/**
 * The quick-reply library (话术库) in the console: folders and replies. Guides read the same
 * replies through the sidebar (server/routes/sidebar/quickReplies.ts).
 *
 * @returns the router (mounted under /api/console).
 */
export function quickRepliesRouter(): Router {
  const router = createRouter();

  router.get("/quick-reply-folders", async (ctx) => {
    ctx.body = { data: (await quickReplyFolders()).map(({ folder, count }) => presentQuickReplyFolder(folder, count)) };
  });

  router.post("/quick-reply-folders", validate(FolderCreateSchema), async (ctx) => {
    const { body } = inputOf(ctx, FolderCreateSchema);
    const created = await uniqueFolderName(body.name, () => QuickReplyFolder.create({ name: body.name, order: body.order ?? 0 }));
    ctx.status = 201;
    ctx.body = { data: presentQuickReplyFolder(created.toObject() as StoredQuickReplyFolder, 0) };
  });

  router.put("/quick-reply-folders/:id", validate(FolderUpdateSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, FolderUpdateSchema);
    const set = body.order === undefined ? { name: body.name } : { name: body.name, order: body.order };
    const updated = await uniqueFolderName(body.name, () =>
      QuickReplyFolder.findByIdAndUpdate(params.id, { $set: set }, { returnDocument: "after" }).lean<StoredQuickReplyFolder>(),
    );
    if (!updated) {
      throw NotFoundError("quick reply folder");
    }
    ctx.body = { data: presentQuickReplyFolder(updated, await QuickReply.countDocuments({ folderId: updated._id })) };
  });

  router.delete("/quick-reply-folders/:id", validate(FolderDeleteSchema), async (ctx) => {
    const { params } = inputOf(ctx, FolderDeleteSchema);
    const folder = await QuickReplyFolder.findById(params.id).lean<StoredQuickReplyFolder>();
    if (!folder) {
      throw NotFoundError("quick reply folder");
    }
    const count = await QuickReply.countDocuments({ folderId: folder._id });
    if (count > 0) {
      throw ConflictError(`id: 分组「${folder.name}」下还有 ${count} 条话术，请先移到其他分组或删除后再删除分组`);
    }
    await QuickReplyFolder.deleteOne({ _id: folder._id });
    // A reply saved into the folder while it was being deleted must not point at nothing.
    await QuickReply.updateMany({ folderId: folder._id }, { $set: { folderId: null } });
    ctx.body = { data: presentDeletion(params.id) };
  });

  router.get("/quick-replies", validate(QuickReplyListSchema), async (ctx) => {
    const { query } = inputOf(ctx, QuickReplyListSchema);
    const { replies, total } = await quickReplyFinder(query);
    ctx.body = { data: replies.map(presentQuickReply), pagination: { page: query.page, pageSize: query.pageSize, total } };
  });

  router.post("/quick-replies", validate(QuickReplyCreateSchema), async (ctx) => {
    const { body } = inputOf(ctx, QuickReplyCreateSchema);
    await assertFolderExists(body);
    const created = await QuickReply.create(body);
    ctx.status = 201;
    ctx.body = { data: presentQuickReply(created.toObject() as StoredQuickReply) };
  });

  router.put("/quick-replies/:id", validate(QuickReplyUpdateSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, QuickReplyUpdateSchema);
    await assertFolderExists(body);
    const updated = await QuickReply.findByIdAndUpdate(params.id, { $set: body }, { returnDocument: "after" }).lean<StoredQuickReply>();
    if (!updated) {
      throw NotFoundError("quick reply");
    }
    ctx.body = { data: presentQuickReply(updated) };
  });

  router.delete("/quick-replies/:id", validate(QuickReplyDeleteSchema), async (ctx) => {
    const { params } = inputOf(ctx, QuickReplyDeleteSchema);
    const { deletedCount } = await QuickReply.deleteOne({ _id: params.id });
    if (deletedCount === 0) {
      throw NotFoundError("quick reply");
    }
    ctx.body = { data: presentDeletion(params.id) };
  });

  return router;
}
