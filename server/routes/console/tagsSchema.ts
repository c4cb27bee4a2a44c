import { z } from "zod";

const tagName = z.string().trim().min(1, "is required").max(30, "must be at most 30 characters");
const tagId = z.string().trim().min(1, "is required").max(64, "is too long");
const tagIds = z.array(tagId).max(100, "at most 100 at once");

export const TagGroupCreateSchema = z.object({
  body: z.object({
    groupName: tagName,
    order: z.number().int().min(0).optional(),
    tags: z.array(z.object({ name: tagName, order: z.number().int().min(0).optional() })).min(1, "needs at least one tag").max(100),
  }),
});

export const TagCreateSchema = z.object({
  params: z.object({ groupId: tagId }),
  body: z.object({ tags: z.array(z.object({ name: tagName, order: z.number().int().min(0).optional() })).min(1, "needs at least one tag").max(100) }),
});

export const TagUpdateSchema = z.object({
  params: z.object({ id: tagId }),
  body: z
    .object({ name: tagName.optional(), order: z.number().int().min(0).max(4_294_967_295).optional() })
    .refine((body) => body.name !== undefined || body.order !== undefined, { message: "name or order is required", path: ["name"] }),
});

export const TagDeleteSchema = z.object({
  body: z.object({ tagIds: tagIds.default([]), groupIds: tagIds.default([]) }),
});

export const FollowMarkSchema = z.object({
  body: z
    .object({ userId: tagId, externalUserId: tagId, add: tagIds.default([]), remove: tagIds.default([]) })
    .refine((body) => body.add.length + body.remove.length > 0, { message: "add or remove must name a tag", path: ["add"] }),
});
