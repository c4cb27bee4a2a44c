import { z } from "zod";
import { GUIDE_RULES, MASS_LIMITS, MASS_STATUSES } from "../../models/MassMessage.ts";

// Messages are Chinese; the validate middleware prefixes the field ("text: …"). The limits are
// WeCom's for add_msg_template (wecom-reference §4.9, §13).
const id = (what: string) => z.string({ error: `请选择${what}` }).trim().min(1, `请选择${what}`).max(64, `${what}无效`);
const fileId = z.string({ error: "请上传素材" }).trim().min(1, "请上传素材").max(64, "素材无效");
const httpUrl = z.url({ protocol: /^https?$/, error: "链接应为 http(s) 地址" }).max(2048, "链接过长");

const Attachment = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("image"), fileId }),
    z.object({ kind: z.literal("video"), fileId }),
    z.object({
      kind: z.literal("link"),
      title: z.string({ error: "请填写链接标题" }).trim().min(1, "请填写链接标题").max(128, "链接标题不能超过 128 个字"),
      url: httpUrl,
      desc: z.string().trim().max(512, "链接描述不能超过 512 个字").default(""),
      picUrl: z.union([httpUrl, z.literal("")]).default(""),
    }),
    z.object({
      kind: z.literal("miniprogram"),
      title: z.string({ error: "请填写小程序标题" }).trim().min(1, "请填写小程序标题").max(64, "小程序标题不能超过 64 个字"),
      appid: z.string({ error: "请填写小程序 AppID" }).trim().regex(/^wx[0-9a-f]{16}$/, "小程序 AppID 应为 wx 开头的 18 位"),
      page: z.string({ error: "请填写小程序页面" }).trim().min(1, "请填写小程序页面").max(256, "小程序页面路径过长"),
      fileId,
    }),
  ],
  { error: "附件类型应为图片、视频、链接或小程序" },
);

const Audience = z
  .object({
    kind: z.enum(["segment", "tags", "groups"], { error: "发送对象应为人群、标签或客户群" }),
    segmentId: id("人群").nullable().default(null),
    tagIds: z.array(id("标签"), { error: "标签应为列表" }).max(100, "标签最多 100 个").default([]),
    ownerIds: z.array(id("群主"), { error: "群主应为列表" }).max(5000, "群主最多 5000 名").default([]),
    // An empty ownerIds means every group, so only this says the operator meant 指定群主 and
    // forgot to pick: without it that mistake would reach every group. Omitted: ownerIds decide.
    groupScope: z.enum(["all", "owners"], { error: "客户群范围应为全部客户群或指定群主" }).optional(),
  })
  .superRefine((audience, ctx) => {
    if (audience.kind === "segment" && !audience.segmentId) {
      ctx.addIssue({ code: "custom", path: ["segmentId"], message: "请选择人群" });
    }
    if (audience.kind === "tags" && audience.tagIds.length === 0) {
      ctx.addIssue({ code: "custom", path: ["tagIds"], message: "请至少选择一个标签" });
    }
    if (audience.kind === "groups" && audience.groupScope === "owners" && audience.ownerIds.length === 0) {
      ctx.addIssue({ code: "custom", path: ["ownerIds"], message: "请选择群主" });
    }
  })
  .transform(({ groupScope, ...audience }) => ({ ...audience, ownerIds: groupScope === "all" ? [] : audience.ownerIds }));

const MassBody = z
  .object({
    name: z.string({ error: "请填写名称" }).trim().min(1, "请填写名称").max(60, "名称不能超过 60 个字"),
    text: z.string({ error: "文字应为字符串" }).refine((value) => Buffer.byteLength(value) <= MASS_LIMITS.textBytes, `文字不能超过 ${MASS_LIMITS.textBytes} 字节（约 1333 个汉字）`).default(""),
    attachments: z.array(Attachment, { error: "附件应为列表" }).max(MASS_LIMITS.attachments, `附件最多 ${MASS_LIMITS.attachments} 个`).default([]),
    audience: Audience,
    guideRule: z.enum(GUIDE_RULES, { error: "导购规则应为最近联系、所属门店或最早添加" }).default("last_contact"),
    sendAt: z.coerce.date({ error: "发送时间无效" }).nullable().default(null),
    syncDays: z.number({ error: "统计天数应为数字" }).int("统计天数应为整数").min(1, "统计天数应在 1 到 30 天之间").max(30, "统计天数应在 1 到 30 天之间").default(7),
  })
  .refine((body) => body.text.trim().length > 0 || body.attachments.length > 0, { path: ["text"], message: "请填写文字或添加附件" });

export type MassBodyInput = z.infer<typeof MassBody>;

const idParams = z.object({ id: z.string({ error: "请选择群发" }).regex(/^[0-9a-f]{24}$/, "群发无效") });
const page = z.coerce.number({ error: "页码应为数字" }).int("页码应为整数").min(1, "页码应 ≥ 1").max(10_000, "页码过大").default(1);
const pageSize = z.coerce.number({ error: "每页条数应为数字" }).int("每页条数应为整数").min(1, "每页条数应在 1 到 100 之间").max(100, "每页条数应在 1 到 100 之间").default(20);

/** `GET /mass-messages`. */
export const MassListSchema = z.object({
  query: z.object({ status: z.enum(MASS_STATUSES, { error: "状态无效" }).optional(), q: z.string().trim().max(40, "搜索不能超过 40 个字").default(""), page, pageSize }),
});
/** `POST /mass-messages` (a draft). */
export const MassCreateSchema = z.object({ body: MassBody });
/** `PUT /mass-messages/:id` (before dispatch). */
export const MassUpdateSchema = z.object({ params: idParams, body: MassBody });
/** Routes naming one mass message. */
export const MassIdSchema = z.object({ params: idParams });
/** `POST /mass-messages/preview`: how many the audience reaches now. */
export const MassPreviewSchema = z.object({ body: z.object({ audience: Audience }) });
