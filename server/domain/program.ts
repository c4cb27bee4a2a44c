import { z } from "zod";

/**
 * The most a real retail order, refund, points spend or programme setting can be. Every way in
 * (the console API, the bulk import, the programme editor) refuses more, naming the field; nothing
 * is clamped. Without them one order of 2^53 − 1 fen made a black-card member with 90 trillion points.
 */
export const LIMITS = {
  /** ¥1,000,000 in fen: one order, one refund, one item line, a benefit's face value. */
  orderFen: 100_000_000,
  /** Points spent at once. */
  points: 10_000_000,
  /** Growth or points per yuan spent. */
  perYuan: 100,
  /** Growth or points one task or one daily sign-in earns. */
  perActivity: 10_000,
  /** A level's growth threshold. */
  growth: 1_000_000_000,
  /** A benefit's total stock. */
  stock: 10_000_000,
  /** Units on one order line. */
  quantity: 100_000,
  /** RFM: days since the last purchase. */
  recencyDays: 3_650,
  /** RFM: orders in a member's lifetime. */
  orders: 100_000,
  /** RFM: ¥100,000,000 spent in a member's lifetime, in fen. */
  totalSpentFen: 10_000_000_000,
} as const;

const grouped = (value: number) => value.toLocaleString("en-US");
/** Money in fen as people read it: 100000000 → "¥1,000,000". */
export const yuanText = (fen: number) => `¥${grouped(fen / 100)}`;

/** The refusals, in words for people; the validator puts the field's name in front. */
export const LIMIT_MESSAGES = {
  orderFen: `金额不能超过 ${yuanText(LIMITS.orderFen)}`,
  refundFen: `退款金额不能超过 ${yuanText(LIMITS.orderFen)}`,
  points: `积分不能超过 ${grouped(LIMITS.points)}`,
  perYuan: `每元不能超过 ${LIMITS.perYuan}`,
  perActivity: `不能超过 ${grouped(LIMITS.perActivity)}`,
  growth: `成长值不能超过 ${grouped(LIMITS.growth)}`,
  stock: `库存不能超过 ${grouped(LIMITS.stock)}`,
  quantity: `数量不能超过 ${grouped(LIMITS.quantity)}`,
  recencyDays: `天数不能超过 ${grouped(LIMITS.recencyDays)}`,
  orders: `订单数不能超过 ${grouped(LIMITS.orders)}`,
  totalSpentFen: `金额不能超过 ${yuanText(LIMITS.totalSpentFen)}`,
} as const;

// Growth and points per yuan were bounded (100) before LIMITS, so stored versions already keep to it.
const perYuan = z.number().min(0, "must be ≥ 0").max(LIMITS.perYuan, LIMIT_MESSAGES.perYuan);

const code = z.string().regex(/^[a-z0-9_]{1,32}$/, "must be 1–32 lowercase letters, digits or _");

/**
 * @param bounded hold every setting to LIMITS (a programme being saved), or only to the rules
 *   versions were saved under before LIMITS existed (one read back: an old version must still load,
 *   or every order and profile would fail on it).
 * @returns the programme's schema.
 */
function programSchema(bounded: boolean) {
  const atMost = (schema: z.ZodNumber, limit: number, message: string) => (bounded ? schema.max(limit, message) : schema);
  const whole = (min: number) => z.number().int("must be an integer").min(min, `must be ≥ ${min}`);
  const perActivity = atMost(whole(0), LIMITS.perActivity, LIMIT_MESSAGES.perActivity).default(0);
  const level = z.object({
    code,
    name: z.string().trim().min(1, "is required").max(20, "is too long"),
    /** Lifetime growth needed to reach the level. */
    threshold: atMost(whole(0), LIMITS.growth, LIMIT_MESSAGES.growth),
  });
  const benefit = z.object({
    code,
    name: z.string().trim().min(1, "is required").max(30, "is too long"),
    kind: z.enum(["coupon", "gift", "service", "birthday_gift"]),
    /** Level codes whose members may claim it. */
    levels: z.array(code).min(1, "needs at least one level"),
    /** Days after reaching the level (or from the 1st of the birthday month) in which it can be claimed. */
    claimWindowDays: z.number().int().min(1).max(366),
    /** Claims per member per level period (per year for birthday gifts). */
    perMember: z.number().int().min(1).max(100).default(1),
    /** Total stock across members; absent = unlimited. */
    stock: atMost(whole(1), LIMITS.stock, LIMIT_MESSAGES.stock).optional(),
    /** Days a claimed code stays redeemable. */
    redeemWithinDays: z.number().int().min(1).max(366),
    /** Face value in fen, for the member's "权益价值" reminder. */
    valueFen: atMost(whole(0), LIMITS.orderFen, LIMIT_MESSAGES.orderFen).default(0),
  });
  return z
    .object({
      levels: z.array(level).min(1, "needs at least one level").max(20, "at most 20 levels"),
      growth: z.object({ perYuan, perTask: perActivity, perSignIn: perActivity }),
      levelValidity: z.object({
        months: whole(1).max(60, "不能超过 60 个月"),
        onExpiry: z.enum(["keep", "downgrade_one", "reevaluate"]),
      }),
      points: z.object({
        perYuan,
        perTask: perActivity,
        /** 0: points never expire. */
        expiryMonths: whole(0).max(120, "不能超过 120 个月"),
      }),
      /** The brand's repurchase window: 45 days, 3, 6 or 12 months. */
      repurchaseWindowDays: z.union([z.literal(45), z.literal(90), z.literal(180), z.literal(365)]),
      benefits: z.array(benefit).max(100).default([]),
      rfm: z.object({
        /** Days since the last purchase for scores 5, 4, 3, 2 (older scores 1). */
        recencyDays: z.array(atMost(whole(1), LIMITS.recencyDays, LIMIT_MESSAGES.recencyDays)).length(4),
        /** Orders for scores 2, 3, 4, 5 (fewer scores 1). */
        frequency: z.array(atMost(whole(1), LIMITS.orders, LIMIT_MESSAGES.orders)).length(4),
        /** Total spent in fen for scores 2, 3, 4, 5. */
        monetary: z.array(atMost(whole(1), LIMITS.totalSpentFen, LIMIT_MESSAGES.totalSpentFen)).length(4),
      }),
    })
    .superRefine((program, ctx) => {
      const [first] = program.levels;
      if (first && first.threshold !== 0) {
        ctx.addIssue({ code: "custom", path: ["levels", 0, "threshold"], message: "the first level starts at 0" });
      }
      program.levels.forEach((item, index) => {
        const previous = program.levels[index - 1];
        if (previous && item.threshold <= previous.threshold) {
          ctx.addIssue({ code: "custom", path: ["levels", index, "threshold"], message: "must be above the previous level's" });
        }
        if (program.levels.findIndex((other) => other.code === item.code) !== index) {
          ctx.addIssue({ code: "custom", path: ["levels", index, "code"], message: "is used twice" });
        }
      });
      program.benefits.forEach((item, index) => {
        item.levels.forEach((levelCode, position) => {
          if (!program.levels.some((candidate) => candidate.code === levelCode)) {
            ctx.addIssue({ code: "custom", path: ["benefits", index, "levels", position], message: `unknown level "${levelCode}"` });
          }
        });
      });
    });
}

/** The membership program as stored (money in fen, rates per yuan); versions saved before LIMITS load too. */
export const ProgramSchema = programSchema(false);
/** The membership program an operator saves: as {@link ProgramSchema}, every setting within LIMITS. */
export const ProgramSaveSchema = programSchema(true);

export type Program = z.infer<typeof ProgramSchema>;
export type Level = Program["levels"][number];
export type Benefit = Program["benefits"][number];

/** What a new installation starts with; operators change it in the console. */
export const DEFAULT_PROGRAM: Program = {
  levels: [
    { code: "regular", name: "普通会员", threshold: 0 },
    { code: "silver", name: "银卡会员", threshold: 1000 },
    { code: "gold", name: "金卡会员", threshold: 5000 },
    { code: "black", name: "黑金会员", threshold: 20000 },
  ],
  growth: { perYuan: 1, perTask: 10, perSignIn: 1 },
  levelValidity: { months: 12, onExpiry: "reevaluate" },
  points: { perYuan: 1, perTask: 10, expiryMonths: 24 },
  repurchaseWindowDays: 90,
  benefits: [
    { code: "silver_coupon", name: "银卡专享券 满300减30", kind: "coupon", levels: ["silver", "gold", "black"], claimWindowDays: 30, perMember: 1, redeemWithinDays: 30, valueFen: 3000 },
    { code: "gold_gift", name: "金卡升级礼", kind: "gift", levels: ["gold", "black"], claimWindowDays: 30, perMember: 1, stock: 1000, redeemWithinDays: 60, valueFen: 12_800 },
    { code: "birthday_gift", name: "生日礼", kind: "birthday_gift", levels: ["silver", "gold", "black"], claimWindowDays: 31, perMember: 1, redeemWithinDays: 30, valueFen: 5000 },
  ],
  rfm: { recencyDays: [30, 90, 180, 365], frequency: [2, 3, 5, 10], monetary: [50_000, 200_000, 500_000, 1_000_000] },
};

/**
 * @param program the program.
 * @param growth a growth value.
 * @returns the highest level whose threshold the growth reaches.
 */
export function levelForGrowth(program: Program, growth: number): Level {
  return program.levels.filter((level) => level.threshold <= growth).at(-1) ?? (program.levels[0] as Level);
}

/**
 * @param program the program.
 * @param levelCode a level code (unknown codes rank lowest).
 * @returns the level's position, 0 = lowest.
 */
export function levelRank(program: Program, levelCode: string): number {
  return Math.max(0, program.levels.findIndex((level) => level.code === levelCode));
}

/**
 * @param program the program.
 * @param amountFen a paid (or refunded) amount in fen.
 * @returns growth earned, rounded down (negative for refunds).
 */
export function growthForAmount(program: Program, amountFen: number): number {
  return Math.trunc((amountFen / 100) * program.growth.perYuan);
}

/**
 * @param program the program.
 * @param amountFen a paid (or refunded) amount in fen.
 * @returns points earned, rounded down (negative for refunds).
 */
export function pointsForAmount(program: Program, amountFen: number): number {
  return Math.trunc((amountFen / 100) * program.points.perYuan);
}

/** How far a member is from the next level. */
export interface LevelProgress {
  current: Level;
  next: Level | null;
  growthNeeded: number;
  /** What the member would need to spend, in fen, at the program's growth rate. */
  spendNeededFen: number | null;
  /** 0–1 along the way from the current level's threshold to the next one's. */
  ratio: number;
}

/**
 * @param program the program.
 * @param levelCode the member's level.
 * @param growth the member's growth.
 * @returns progress to the next level ("还差 ¥380 升级金卡").
 */
export function levelProgress(program: Program, levelCode: string, growth: number): LevelProgress {
  const rank = levelRank(program, levelCode);
  const current = program.levels[rank] as Level;
  const next = program.levels[rank + 1] ?? null;
  if (!next) {
    return { current, next: null, growthNeeded: 0, spendNeededFen: null, ratio: 1 };
  }
  const growthNeeded = Math.max(0, next.threshold - growth);
  const span = next.threshold - current.threshold;
  return {
    current,
    next,
    growthNeeded,
    spendNeededFen: program.growth.perYuan > 0 ? Math.ceil(growthNeeded / program.growth.perYuan) * 100 : null,
    ratio: span > 0 ? Math.min(1, Math.max(0, (growth - current.threshold) / span)) : 1,
  };
}

/**
 * @param date a time.
 * @param months months to add.
 * @returns the same time that many calendar months later.
 */
export function addMonths(date: Date, months: number): Date {
  const result = new Date(date);
  result.setUTCMonth(result.getUTCMonth() + months);
  return result;
}
