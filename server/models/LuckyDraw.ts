import mongoose, { type InferSchemaType } from "mongoose";
import { DRAW_STATUSES, DRAW_STYLES, PRIZE_KINDS } from "../domain/drawShapes.ts";

export { DRAW_STATUSES, DRAW_STYLES, PRIZE_KINDS, type DrawStatus, type DrawStyle, type PrizeKind } from "../domain/drawShapes.ts";
export const DRAW_SLUG_PATTERN = /^[a-z0-9-]{3,40}$/;

/**
 * One prize. `stock` is what the operator set; what is left lives in draw_stocks (decremented
 * atomically), so editing the draw never races a draw in flight.
 */
const prizeSchema = new mongoose.Schema(
  {
    /** Stable within the draw (wins refer to it): an operator renaming a prize keeps its wins. */
    id: { type: String, required: true },
    name: { type: String, required: true },
    kind: { type: String, enum: PRIZE_KINDS, required: true },
    /** Relative weight (positive integer); the chance is weight / sum of weights. */
    weight: { type: Number, required: true },
    stock: { type: Number, default: 0 },
    points: { type: Number, default: null },
    /** The program's benefit code, claimed through the benefit claimer. */
    benefitId: { type: String, default: null },
    amountFen: { type: Number, default: null },
  },
  { _id: false },
);

/** Who may take part; every non-empty condition must hold (AND), an empty one is no condition. */
const eligibilitySchema = new mongoose.Schema(
  {
    /** Members of these level codes. */
    levels: { type: [String], default: [] },
    /** Customers with any of these corp tags (on any follow). */
    tagIds: { type: [String], default: [] },
    segmentId: { type: String, default: null },
    /** Customers who follow any of these guides. */
    guideUserIds: { type: [String], default: [] },
    /** Customers in one of this funnel's groups. */
    funnelId: { type: String, default: null },
  },
  { _id: false },
);

/** A lucky draw (抽奖活动). */
const luckyDrawSchema = new mongoose.Schema(
  {
    slug: { type: String, required: true, unique: true },
    name: { type: String, required: true },
    startsAt: { type: Date, required: true },
    endsAt: { type: Date, required: true },
    rules: { type: String, default: "" },
    style: { type: String, enum: DRAW_STYLES, default: "wheel" },
    status: { type: String, enum: DRAW_STATUSES, default: "draft" },
    eligibility: { type: eligibilitySchema, default: () => ({}) },
    /** null: no limit. maxWins counts prizes won (not "thanks for taking part"). */
    limits: {
      type: new mongoose.Schema({ perDay: { type: Number, default: null }, total: { type: Number, default: null }, maxWins: { type: Number, default: null } }, { _id: false }),
      default: () => ({}),
    },
    prizes: { type: [prizeSchema], default: [] },
    cashBudgetFen: { type: Number, default: 0 },
    /** Corp tags applied through WeCom when someone takes part / wins. */
    tagsOnJoin: { type: [String], default: [] },
    tagsOnWin: { type: [String], default: [] },
    createdBy: { type: String, default: null },
    /** Set on the first draw: from then on the draw cannot be deleted, only ended. */
    firstDrawAt: { type: Date, default: null },
  },
  { collection: "lucky_draws", timestamps: true, versionKey: false, minimize: false },
);

luckyDrawSchema.index({ updatedAt: -1 });

export type LuckyDrawAttrs = InferSchemaType<typeof luckyDrawSchema>;
export type PrizeAttrs = InferSchemaType<typeof prizeSchema>;
export type StoredDraw = LuckyDrawAttrs & { _id: mongoose.Types.ObjectId; createdAt: Date; updatedAt: Date };
export const LuckyDraw = mongoose.model("LuckyDraw", luckyDrawSchema);
