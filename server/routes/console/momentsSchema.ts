import { z } from "zod";
import { MOMENT_KINDS, MOMENT_LIMITS, MOMENT_STATUSES } from "../../domain/momentRules.ts";

// Messages are Chinese; the validate middleware prefixes the field ("attachment.fileIds: …").
// The limits are WeCom's (wecom-reference §4.8); the editor checks what needs the media files.
const fileId = z.string({ error: "附件无效" }).trim().min(1, "附件无效").max(64, "附件无效");
const bytes = (max: number, message: string) => z.string().refine((value) => Buffer.byteLength(value) <= max, message);
const month = z.string({ error: "月份应为 YYYY-MM" }).regex(/^\d{4}-(0[1-9]|1[0-2])$/, "月份应为 YYYY-MM");

const Attachment = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("none"), fileIds: z.array(fileId).max(0, "纯文字朋友圈不能带附件").default([]), link: z.null().default(null) }),
    z.object({ type: z.literal("images"), fileIds: z.array(fileId, { error: "请上传图片" }).min(1, "请上传图片").max(MOMENT_LIMITS.images, `图片最多 ${MOMENT_LIMITS.images} 张`), link: z.null().default(null) }),
    z.object({ type: z.literal("video"), fileIds: z.array(fileId, { error: "请上传视频" }).length(1, "只能上传 1 个视频"), link: z.null().default(null) }),
    z.object({
      type: z.literal("link"),
      fileIds: z.array(fileId).max(0, "链接朋友圈不能再带图片或视频").default([]),
      link: z.object({
        title: z.string({ error: "请填写链接标题" }).trim().min(1, "请填写链接标题").pipe(bytes(MOMENT_LIMITS.linkTitleBytes, "链接标题不能超过 64 字节（约 21 个汉字）")),
        url: z.url({ protocol: /^https?$/, error: "链接应为 http(s) 地址" }).max(2048, "链接过长"),
        coverFileId: z.string({ error: "请上传链接封面图片" }).trim().min(1, "请上传链接封面图片").max(64, "附件无效"),
      }),
    }),
  ],
  { error: "附件类型应为无、图片、视频或链接" },
);

const MomentBody = z.object({
  text: z.string({ error: "请填写文字" }).max(MOMENT_LIMITS.textChars, `文字不能超过 ${MOMENT_LIMITS.textChars} 个字`).default(""),
  attachment: Attachment.default({ type: "none", fileIds: [], link: null }),
  kind: z.enum(MOMENT_KINDS, { error: "内容类型应为关怀、服务或广告" }),
  publishers: z
    .object({
      departmentIds: z.array(z.number({ error: "门店或部门无效" }).int("门店或部门无效").min(1, "门店或部门无效"), { error: "门店或部门应为列表" }).max(500, "门店或部门最多 500 个").default([]),
      userIds: z.array(z.string({ error: "导购无效" }).trim().min(1, "导购无效").max(64, "导购无效"), { error: "导购应为列表" }).max(5000, "按姓名最多选择 5000 名导购").default([]),
    })
    .default({ departmentIds: [], userIds: [] })
    .refine((choice) => choice.departmentIds.length + choice.userIds.length > 0, "请选择发表的门店、部门或导购"),
  visibleTagIds: z.array(z.string({ error: "标签无效" }).trim().min(1, "标签无效").max(64, "标签无效")).max(100, "可见标签最多 100 个").default([]),
  scheduledAt: z.coerce.date({ error: "请选择发表时间" }),
  syncDays: z
    .number({ error: "统计天数应为数字" })
    .int("统计天数应为整数")
    .min(MOMENT_LIMITS.syncDaysMin, `统计天数应在 ${MOMENT_LIMITS.syncDaysMin} 到 ${MOMENT_LIMITS.syncDaysMax} 天之间`)
    .max(MOMENT_LIMITS.syncDaysMax, `统计天数应在 ${MOMENT_LIMITS.syncDaysMin} 到 ${MOMENT_LIMITS.syncDaysMax} 天之间`)
    .default(MOMENT_LIMITS.syncDaysDefault),
  draft: z.boolean({ error: "草稿标记应为是或否" }).default(false),
});

const idParams = z.object({ id: z.string({ error: "请选择朋友圈" }).regex(/^[0-9a-f]{24}$/, "朋友圈无效") });
const page = z.coerce.number({ error: "页码应为数字" }).int("页码应为整数").min(1, "页码应 ≥ 1").max(10_000, "页码过大").default(1);
const pageSize = z.coerce.number({ error: "每页条数应为数字" }).int("每页条数应为整数").min(1, "每页条数应在 1 到 100 之间").max(100, "每页条数应在 1 到 100 之间").default(20);

/** `GET /moments`. */
export const MomentListSchema = z.object({
  query: z.object({
    month: month.optional(),
    status: z.enum(MOMENT_STATUSES, { error: "状态无效" }).optional(),
    kind: z.enum(MOMENT_KINDS, { error: "内容类型无效" }).optional(),
    q: z.string().trim().max(40, "搜索不能超过 40 个字").default(""),
    page,
    pageSize,
  }),
});
/** `POST /moments`. */
export const MomentCreateSchema = z.object({ body: MomentBody });
/** `PUT /moments/:id`. */
export const MomentUpdateSchema = z.object({ params: idParams, body: MomentBody });
/** Routes naming one moment. */
export const MomentIdSchema = z.object({ params: idParams });
/** `GET /moments/mix?month=YYYY-MM`. */
export const MomentMixSchema = z.object({ query: z.object({ month }) });
/** `POST /moments/:id/retry`: the failed guides to try again (all of them when empty). */
export const MomentRetrySchema = z.object({
  params: idParams,
  body: z.object({ userIds: z.array(z.string({ error: "导购无效" }).trim().min(1, "导购无效").max(64, "导购无效"), { error: "导购应为列表" }).max(5000, "导购最多 5000 名").default([]) }).default({ userIds: [] }),
});
