import { z } from "zod";

// Messages are Chinese and the validate middleware prefixes the field: "threshold: 容量阈值…".
const objectId = (what: string) => z.string({ error: `请选择${what}` }).regex(/^[0-9a-f]{24}$/, `${what}无效`);
const text = (label: string, max: number) => z.string({ error: `请填写${label}` }).trim().max(max, `${label}不能超过 ${max} 个字`);
const required = (label: string, max: number) => text(label, max).min(1, `请填写${label}`);
const int = (label: string, min: number, max: number) =>
  z.number({ error: `${label}应为数字` }).int(`${label}应为整数`).min(min, `${label}应在 ${min} 到 ${max} 之间`).max(max, `${label}应在 ${min} 到 ${max} 之间`);
const chatId = z.string({ error: "请选择客户群" }).trim().min(1, "请选择客户群").max(128, "群 ID 过长");

const GroupInput = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("wecom"), chatId }),
    z.object({
      kind: z.literal("image"),
      imageId: objectId("群二维码图片"),
      name: required("群名称", 40),
      expiresAt: z.coerce.date({ error: "请填写二维码有效期" }),
      chatId: chatId.optional(),
    }),
  ],
  { error: "群类型应为 wecom（企业微信群）或 image（上传的群二维码）" },
);

const FunnelBody = z.object({
  name: required("活码名称", 30),
  landingText: text("落地页文案", 200).default(""),
  landingImageUrl: z.union([z.literal(""), z.url({ protocol: /^https?$/, error: "落地页图片应为 http(s) 链接" }).max(2048, "落地页图片链接过长")]).default(""),
  // WeCom lets at most 200 people in by scanning a group's QR.
  threshold: int("容量阈值", 1, 200).default(180),
  lowPoolWarning: int("预警群数", 0, 50).default(1),
  paused: z.boolean({ error: "暂停应为是或否" }).default(false),
  autoCreateRoom: z.boolean({ error: "自动建群应为是或否" }).default(false),
  roomBaseName: text("新群名称", 40).default(""),
  roomBaseId: int("新群起始序号", 1, 10_000).default(1),
  groups: z.array(GroupInput, { error: "请至少添加一个群" }).max(100, "一个活码最多 100 个群"),
});

/** `POST /funnels`: the slug is the landing page's path and never changes once printed. */
export const FunnelCreateSchema = z.object({
  body: FunnelBody.extend({
    slug: z.string({ error: "请填写链接标识" }).trim().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, "链接标识只能用小写字母、数字和 -，2 到 40 位"),
    state: z.string().trim().min(1, "请填写渠道参数").max(30, "渠道参数不能超过 30 个字符").regex(/^[A-Za-z0-9_-]+$/, "渠道参数只能用字母、数字、_ 和 -").optional(),
  }),
});

const idParams = z.object({ id: objectId("群活码") });

/** `PUT /funnels/:id`: the whole funnel, as on create, without slug and state. */
export const FunnelUpdateSchema = z.object({ params: idParams, body: FunnelBody });

/** Routes naming one funnel. */
export const FunnelIdSchema = z.object({ params: idParams });

/** `POST /funnels/images`: a group QR as base64 (a data: URL prefix is accepted). */
export const FunnelImageSchema = z.object({
  body: z.object({
    // 2 MB of image is about 2.8 MB of base64; larger is refused as too big after decoding.
    data: z.string({ error: "请上传图片" }).min(1, "请上传图片").max(4_000_000, "图片不能超过 2MB"),
  }),
});
