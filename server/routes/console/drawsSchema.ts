import { z } from "zod";
import { CASH_MAX_FEN } from "../../commands/cashPayout.ts";
import { DRAW_STYLES, FULFILMENT_STATUSES, PRIZE_KINDS } from "../../domain/drawShapes.ts";
import { DRAW_AUDIT_KINDS } from "../../models/DrawAudit.ts";
import { DRAW_AUDIT_KIND_LABELS } from "../../presenters/labels.ts";
import { statsDay } from "./statsRangeSchema.ts";

// Messages are Chinese; the validate middleware prefixes the field ("prizes.0.weight: …").
const objectId = (what: string) => z.string({ error: `请选择${what}` }).regex(/^[0-9a-f]{24}$/, `${what}无效`);
const text = (label: string, max: number) => z.string({ error: `请填写${label}` }).trim().max(max, `${label}不能超过 ${max} 个字`);
const required = (label: string, max: number) => text(label, max).min(1, `请填写${label}`);
const int = (label: string, min: number, max: number) =>
  z.number({ error: `${label}应为数字` }).int(`${label}应为整数`).min(min, `${label}应在 ${min} 到 ${max} 之间`).max(max, `${label}应在 ${min} 到 ${max} 之间`);
const ids = (label: string) => z.array(z.string({ error: `${label}无效` }).trim().min(1, `${label}无效`).max(128, `${label}无效`), { error: `${label}应为列表` }).max(200, `${label}最多 200 个`);
const limit = (label: string) => int(label, 1, 10_000).nullable().default(null);

/** WeChat Pay's smallest transfer bill we allow: 0.1 元 (see docs/draws.md). */
export const CASH_MIN_FEN = 10;

const PrizeInput = z.object({
  /** Kept from an earlier save (wins refer to it); new prizes get one. */
  id: z.string().trim().regex(/^[a-z0-9-]{1,24}$/, "奖品编号无效").optional(),
  name: required("奖品名称", 30),
  kind: z.enum(PRIZE_KINDS, { error: "奖品类型应为积分、会员权益、实物、现金或谢谢参与" }),
  weight: int("中奖权重", 1, 1_000_000),
  stock: int("库存", 0, 10_000_000).default(0),
  points: int("积分数", 1, 1_000_000).nullable().optional(),
  benefitId: z.string().trim().max(64, "会员权益无效").nullable().optional(),
  amountFen: z.number({ error: "现金金额应为数字" }).int("现金金额应精确到分").nullable().optional(),
});

const DrawBody = z
  .object({
    name: required("活动名称", 40),
    startsAt: z.coerce.date({ error: "请填写开始时间" }),
    endsAt: z.coerce.date({ error: "请填写结束时间" }),
    rules: text("活动规则", 2000).default(""),
    style: z.enum(DRAW_STYLES, { error: "页面样式应为大转盘或九宫格" }).default("wheel"),
    eligibility: z
      .object({
        levels: ids("会员等级").default([]),
        tagIds: ids("客户标签").default([]),
        segmentId: objectId("人群").nullable().default(null),
        guideUserIds: ids("导购").default([]),
        funnelId: objectId("群活码").nullable().default(null),
      })
      .default({ levels: [], tagIds: [], segmentId: null, guideUserIds: [], funnelId: null }),
    limits: z.object({ perDay: limit("每日次数"), total: limit("总次数"), maxWins: limit("最多中奖次数") }).default({ perDay: null, total: null, maxWins: null }),
    prizes: z.array(PrizeInput, { error: "请设置奖品" }).min(1, "请至少设置一个奖品").max(12, "最多 12 个奖品"),
    cashBudgetFen: int("现金预算", 0, 100_000_000).default(0),
    tagsOnJoin: ids("参与标签").default([]),
    tagsOnWin: ids("中奖标签").default([]),
  })
  .superRefine((draw, ctx) => {
    if (draw.endsAt <= draw.startsAt) {
      ctx.addIssue({ code: "custom", path: ["endsAt"], message: "结束时间应晚于开始时间" });
    }
    if (draw.limits.perDay && draw.limits.total && draw.limits.perDay > draw.limits.total) {
      ctx.addIssue({ code: "custom", path: ["limits", "perDay"], message: "每日次数不能超过总次数" });
    }
    const seen = new Set<string>();
    draw.prizes.forEach((prize, index) => {
      const at = (field: string, message: string) => ctx.addIssue({ code: "custom", path: ["prizes", index, field], message });
      if (prize.id && seen.has(prize.id)) {
        at("id", "奖品编号重复");
      }
      if (prize.id) {
        seen.add(prize.id);
      }
      if (prize.kind === "points" && !prize.points) {
        at("points", "请填写积分数");
      }
      if (prize.kind === "benefit" && !prize.benefitId) {
        at("benefitId", "请选择会员权益");
      }
      if (prize.kind === "cash") {
        if (!prize.amountFen) {
          at("amountFen", "请填写现金金额");
        } else if (prize.amountFen < CASH_MIN_FEN) {
          at("amountFen", "现金金额不能低于 0.1 元（微信支付最低转账金额）");
        } else if (prize.amountFen > CASH_MAX_FEN) {
          at("amountFen", "单笔现金须低于 2000 元");
        } else if (prize.amountFen > draw.cashBudgetFen) {
          at("amountFen", "现金金额不能超过活动现金预算");
        }
      }
    });
    if (draw.prizes.every((prize) => prize.kind === "none")) {
      ctx.addIssue({ code: "custom", path: ["prizes"], message: "请至少设置一个可中奖的奖品" });
    }
  });

const slug = z.string({ error: "请填写链接标识" }).trim().regex(/^[a-z0-9-]{3,40}$/, "链接标识只能用小写字母、数字和 -，3 到 40 位");

/** `POST /draws`. */
export const DrawCreateSchema = z.object({ body: DrawBody.safeExtend({ slug }) });
export type DrawInput = z.output<typeof DrawBody> & { slug: string };

const idParams = z.object({ id: objectId("抽奖活动") });

/** `PUT /draws/:id`: the whole draw, slug included (it may change until the first draw). */
export const DrawUpdateSchema = z.object({ params: idParams, body: DrawBody.safeExtend({ slug }) });

/** Routes naming one draw. */
export const DrawIdSchema = z.object({ params: idParams });

/** `POST /draws/:id/status`. */
export const DrawStatusSchema = z.object({ params: idParams, body: z.object({ status: z.enum(["active", "paused", "ended"], { error: "状态应为进行中、已暂停或已结束" }) }) });

const page = z.coerce.number({ error: "页码应为数字" }).int("页码应为整数").min(1, "页码应 ≥ 1").max(10_000, "页码过大").default(1);
const pageSize = z.coerce.number({ error: "每页条数应为数字" }).int("每页条数应为整数").min(1, "每页条数应在 1 到 100 之间").max(100, "每页条数应在 1 到 100 之间").default(20);

/** `GET /draws`. */
export const DrawListSchema = z.object({ query: z.object({ q: text("搜索", 40).default(""), status: z.enum(["draft", "active", "paused", "ended"], { error: "状态无效" }).optional(), page, pageSize }) });

/** `GET /draws/:id/winners` (and its export, without paging). */
export const DrawWinnersSchema = z.object({
  params: idParams,
  query: z.object({
    prizeId: z.string().trim().max(24, "奖品无效").optional(),
    status: z.enum(FULFILMENT_STATUSES, { error: "发放状态无效" }).optional(),
    page,
    pageSize,
  }),
});

const winId = z.string({ error: "中奖记录无效" }).regex(/^[0-9a-f]{24}$/, "中奖记录无效");

/** `GET /draws/:id/audit`: China days (from and to inclusive), a kind, one win's lines. */
export const DrawAuditSchema = z.object({
  params: idParams,
  query: z
    .object({
      kind: z.enum(DRAW_AUDIT_KINDS, { error: `记录类型应为${Object.values(DRAW_AUDIT_KIND_LABELS).join("、")}之一` }).optional(),
      from: statsDay.optional(),
      to: statsDay.optional(),
      winId: winId.optional(),
      page,
      pageSize,
    })
    .refine((query) => !query.from || !query.to || query.from <= query.to, { path: ["to"], message: "结束日期不能早于开始日期" }),
});

/** `PUT /draws/:id/winners/:winId/fulfilment`: ship with a tracking number, or mark signed. */
export const FulfilmentSchema = z.object({
  params: z.object({ id: objectId("抽奖活动"), winId }),
  body: z.discriminatedUnion(
    "status",
    [
      z.object({ status: z.literal("shipped"), trackingNo: required("快递单号", 40).regex(/^[A-Za-z0-9-]+$/, "快递单号只能是字母、数字和 -"), carrier: text("快递公司", 20).default("") }),
      z.object({ status: z.literal("signed") }),
    ],
    { error: "发货状态应为已发货或已签收" },
  ),
});
