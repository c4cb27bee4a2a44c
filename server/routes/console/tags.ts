import type Router from "@koa/router";
import { createRouter } from "../router.ts";
import { corpTagCreator, corpTagDeleter, corpTagEditor } from "../../commands/corpTagEditor.ts";
import followTagger from "../../commands/followTagger.ts";
import { inputOf, validate } from "../../middlewares/validate.ts";
import { TagGroup } from "../../models/TagGroup.ts";
import { presentTagCreation } from "../../presenters/tag.ts";
import type { WeComClient } from "../../wecom/client.ts";
import {
  FollowMarkSchema,
  TagCreateSchema,
  TagDeleteSchema,
  TagGroupCreateSchema,
  TagUpdateSchema,
} from "./tagsSchema.ts";

/**
 * Corp tags, edited through WeCom (the source of truth) and mirrored here, and tagging a
 * customer for a guide (mark_tag).
 *
 * @param options the WeCom client and the clock.
 * @returns the router (mounted under /api/console).
 */
export function tagsRouter(options: { wecom: WeComClient; now: () => Date }): Router {
  const router = createRouter();
  const { wecom, now } = options;

  router.get("/tag-groups", async (ctx) => {
    const groups = await TagGroup.find({ deleted: false }).sort({ order: -1, groupId: 1 }).lean();
    ctx.body = {
      data: groups.map((group) => ({
        groupId: group.groupId,
        name: group.name,
        order: group.order,
        tags: group.tags.filter((tag) => !tag.deleted).map((tag) => ({ id: tag.id, name: tag.name, order: tag.order })),
      })),
    };
  });

  router.post("/tag-groups", validate(TagGroupCreateSchema), async (ctx) => {
    const { body } = inputOf(ctx, TagGroupCreateSchema);
    const creation = await corpTagCreator({ wecom, groupName: body.groupName, tags: body.tags, now: now() });
    // 200, not 201, when nothing new exists: the name was taken and every tag was already there.
    ctx.status = creation.merged && creation.created.length === 0 ? 200 : 201;
    ctx.body = { data: presentTagCreation(creation) };
  });

  router.post("/tag-groups/:groupId/tags", validate(TagCreateSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, TagCreateSchema);
    const creation = await corpTagCreator({ wecom, groupId: params.groupId, tags: body.tags, now: now() });
    ctx.status = creation.created.length > 0 ? 201 : 200;
    ctx.body = { data: presentTagCreation(creation) };
  });

  router.patch("/tags/:id", validate(TagUpdateSchema), async (ctx) => {
    const { params, body } = inputOf(ctx, TagUpdateSchema);
    await corpTagEditor({ wecom, id: params.id, name: body.name, order: body.order, now: now() });
    ctx.body = { data: { id: params.id } };
  });

  router.post("/tags/delete", validate(TagDeleteSchema), async (ctx) => {
    const { body } = inputOf(ctx, TagDeleteSchema);
    await corpTagDeleter({ wecom, tagIds: body.tagIds, groupIds: body.groupIds, now: now() });
    ctx.body = { data: { deleted: body.tagIds.length + body.groupIds.length } };
  });

  router.post("/follows/mark-tags", validate(FollowMarkSchema), async (ctx) => {
    const { body } = inputOf(ctx, FollowMarkSchema);
    const tagIds = await followTagger({ wecom, userId: body.userId, externalUserId: body.externalUserId, add: body.add, remove: body.remove });
    ctx.body = { data: { userId: body.userId, externalUserId: body.externalUserId, tagIds } };
  });

  return router;
}
