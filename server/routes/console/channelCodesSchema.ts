import { z } from "zod";
import { slotProblem } from "../../domain/channelSchedule.ts";
import { CHANNEL_CODE_TYPES, SKIP_VERIFY_MODES } from "../../models/ChannelCode.ts";
import { page, pageSize } from "./fields.ts";

const objectId = (what: string) => z.string().regex(/^[0-9a-f]{24}$/, `应为${what} id`);
const userId = z.string().trim().min(1, "不能为空").max(64, "不能超过 64 个字符");
const hhmm = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, "时间格式应为 HH:mm");
const bytes = (max: number, message: string) => z.string().refine((value) => Buffer.byteLength(value) <= max, message);
const httpUrl = z.url({ protocol: /^https?$/, error: "应为 http(s) 链接" }).max(2048, "链接过长");

const Slot = z.object({ day: z.number().int("应为整数").min(1, "星期应为 1–7").max(7, "星期应为 1–7"), start: hhmm, end: hhmm });

const Guide = z
  .object({
    userId,
    slots: z.array(Slot).max(50, "时段最多 50 个").default([]),
    holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD")).max(400, "休息日过多").default([]),
  })
  .superRefine((guide, ctx) => {
    const problem = slotProblem(guide.slots);
    if (problem) {
      ctx.addIssue({ code: "custom", path: ["slots", problem.index], message: problem.message });
    }
  });

// wecom-reference.md §4.5: the fields and byte limits of a welcome's attachments.
const Attachment = z.discriminatedUnion("type", [
  z.object({ type: z.literal("image"), imageId: objectId("图片") }),
  z.object({
    type: z.literal("link"),
    title: z.string().trim().min(1, "不能为空").pipe(bytes(128, "不能超过 128 字节")),
    url: httpUrl,
    desc: bytes(512, "不能超过 512 字节").nullish(),
    picUrl: httpUrl.nullish(),
  }),
  z.object({
    type: z.literal("miniprogram"),
    title: z.string().trim().min(1, "不能为空").pipe(bytes(64, "不能超过 64 字节")),
    appid: z.string().trim().min(1, "不能为空").max(64, "过长"),
    page: z.string().trim().min(1, "不能为空").max(1024, "过长"),
    imageId: objectId("封面图片"),
  }),
]);

const ChannelCodeBody = z
  .object({
    name: z.string().trim().min(1, "不能为空").max(60, "不能超过 60 个字符"),
    channel: z.string().trim().max(40, "不能超过 40 个字符").default(""),
    type: z.enum(CHANNEL_CODE_TYPES, "应为 single、multi 或 store"),
    storeId: z.string().regex(/^\d{1,12}$/, "应为门店 id").nullable().default(null),
    guides: z.array(Guide).max(100, "导购最多 100 名").default([]),
    backupGuides: z.array(userId).max(20, "备用导购最多 20 名").default([]),
    dailyCap: z.number().int("应为整数").min(1, "每日添加上限应在 1–9999 之间").max(9999, "每日添加上限应在 1–9999 之间").nullable().default(null),
    skipVerify: z
      .object({ mode: z.enum(SKIP_VERIFY_MODES, "应为 always、never 或 window"), start: hhmm.nullish(), end: hhmm.nullish() })
      .default({ mode: "always" }),
    welcome: z
      .object({
        text: bytes(4000, "欢迎语不能超过 4000 字节").default(""),
        attachments: z.array(Attachment).max(9, "附件最多 9 个").default([]),
      })
      .default({ text: "", attachments: [] }),
    tagIds: z.array(z.string().trim().min(1, "不能为空").max(64, "过长")).max(20, "标签最多 20 个").default([]),
    state: z.string().trim().min(1, "不能为空").max(30, "不能超过 30 个字符").optional(),
  })
  .superRefine((code, ctx) => {
    if (code.type === "store" && !code.storeId) {
      ctx.addIssue({ code: "custom", path: ["storeId"], message: "门店活码需要选择门店" });
    }
    if (code.type !== "store" && code.guides.length === 0) {
      ctx.addIssue({ code: "custom", path: ["guides"], message: "至少需要一名导购" });
    }
    const seen = new Set<string>();
    for (const [index, guide] of code.guides.entries()) {
      if (seen.has(guide.userId)) {
        ctx.addIssue({ code: "custom", path: ["guides", index, "userId"], message: "导购重复" });
      }
      seen.add(guide.userId);
    }
    if (code.skipVerify.mode === "window" && (!code.skipVerify.start || !code.skipVerify.end || code.skipVerify.start === code.skipVerify.end)) {
      ctx.addIssue({ code: "custom", path: ["skipVerify"], message: "免验证时段需要不同的开始和结束时间" });
    }
  });

const id = objectId("活码");

export const ChannelCodeListSchema = z.object({ query: z.object({ q: z.string().trim().max(60, "不能超过 60 个字符").optional(), page, pageSize }) });
export const ChannelCodeCreateSchema = z.object({ body: ChannelCodeBody });
export const ChannelCodeUpdateSchema = z.object({ params: z.object({ id }), body: ChannelCodeBody });
export const ChannelCodeIdSchema = z.object({ params: z.object({ id }) });
// media/upload takes JPG/PNG up to 10 MB (wecom-reference.md §4.13); the console's JSON body limit is lower still.
export const WelcomeImageSchema = z.object({
  body: z.object({
    filename: z.string().trim().min(1, "不能为空").max(100, "不能超过 100 个字符"),
    contentType: z.enum(["image/jpeg", "image/png"], "图片应为 JPG 或 PNG"),
    dataBase64: z
      .string()
      .regex(/^[A-Za-z0-9+/]+=*$/, "应为 base64 编码")
      .refine((value) => (value.length * 3) / 4 <= 10 * 1024 * 1024, "图片不能超过 10MB")
      .refine((value) => (value.length * 3) / 4 > 5, "图片过小"),
  }),
});
