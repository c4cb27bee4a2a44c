import { z } from "zod";
import { page, pageSize } from "./fields.ts";

const objectId = (what: string) => z.string().regex(/^[0-9a-f]{24}$/, `must be a ${what} id`);
const httpUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).max(2048, "is too long");
const required = (max: number) => z.string({ error: "is required" }).trim().min(1, "is required").max(max, "is too long");

// Content per kind is what sendChatMessage takes (docs/sidebar-api.md; wecom-reference §6.6).
const TextContent = z.object({
  // Not trimmed: line breaks and indentation are part of the message.
  text: z.string({ error: "is required" }).max(4000, "is too long").refine((text) => text.trim() !== "", "is required"),
});
const ImageContent = z.object({
  mediaId: required(256),
  imageUrl: httpUrl,
});
const LinkContent = z.object({
  url: httpUrl,
  title: required(128),
  desc: z.string().trim().max(512, "is too long").default(""),
  imgUrl: z.union([z.literal(""), httpUrl]).default(""),
});
const MiniprogramContent = z.object({
  appid: z.string({ error: "is required" }).trim().regex(/^wx[0-9a-zA-Z]{16}$/, "must be a mini-program AppID (wx…)"),
  title: required(64),
  imgUrl: httpUrl,
  // WeCom opens the page only with the .html suffix (a query string may follow).
  page: required(512).refine((page) => (page.split("?")[0] ?? "").endsWith(".html"), "must end in .html, e.g. pages/index.html"),
});

const replyFields = {
  /** Null = 未分组. */
  folderId: objectId("folder").nullable().default(null),
  title: required(64),
};

/** `{ folderId, title, kind, content }`, content checked by kind so errors read `content.page: …`. */
const QuickReplyBodySchema = z.discriminatedUnion(
  "kind",
  [
    z.object({ ...replyFields, kind: z.literal("text"), content: TextContent }),
    z.object({ ...replyFields, kind: z.literal("image"), content: ImageContent }),
    z.object({ ...replyFields, kind: z.literal("link"), content: LinkContent }),
    z.object({ ...replyFields, kind: z.literal("miniprogram"), content: MiniprogramContent }),
  ],
  { error: "must be one of text, image, link, miniprogram" },
);
export type QuickReplyBody = z.infer<typeof QuickReplyBodySchema>;

const FolderBodySchema = z.object({
  name: required(30),
  order: z.number({ error: "must be a number" }).int("must be an integer").min(0, "must be ≥ 0").max(100_000, "is too large").optional(),
});

/** `POST /quick-reply-folders`. */
export const FolderCreateSchema = z.object({ body: FolderBodySchema });

/** `PUT /quick-reply-folders/:id`: a missing order keeps the folder's place. */
export const FolderUpdateSchema = z.object({ params: z.object({ id: objectId("folder") }), body: FolderBodySchema });

/** `DELETE /quick-reply-folders/:id`. */
export const FolderDeleteSchema = z.object({ params: z.object({ id: objectId("folder") }) });

/** `GET /quick-replies?q=&folderId=&page=&pageSize=` (console and sidebar); an empty folderId means all. */
export const QuickReplyListSchema = z.object({
  query: z.object({
    q: z.string().trim().max(40, "is too long").optional(),
    folderId: z.preprocess((value) => (value === "" ? undefined : value), objectId("folder").optional()),
    page,
    pageSize,
  }),
});

/** `POST /quick-replies`. */
export const QuickReplyCreateSchema = z.object({ body: QuickReplyBodySchema });

/** `PUT /quick-replies/:id`: the whole reply, as on create. */
export const QuickReplyUpdateSchema = z.object({ params: z.object({ id: objectId("quick reply") }), body: QuickReplyBodySchema });

/** `DELETE /quick-replies/:id`. */
export const QuickReplyDeleteSchema = z.object({ params: z.object({ id: objectId("quick reply") }) });
