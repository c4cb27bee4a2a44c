import crypto from "node:crypto";
import type mongoose from "mongoose";
import type { PrizeKind } from "../domain/drawShapes.ts";
import { AppError, ConflictError, NotFoundError, ValidationError } from "../errors.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { DrawRecord } from "../models/DrawRecord.ts";
import { BUDGET_KEY, DrawStock, stockId } from "../models/DrawStock.ts";
import { DrawWin } from "../models/DrawWin.ts";
import { Funnel } from "../models/Funnel.ts";
import { LuckyDraw, type StoredDraw } from "../models/LuckyDraw.ts";
import { Segment } from "../models/Segment.ts";
import { audit } from "./drawAuditor.ts";
import { forgetDraw } from "./drawCache.ts";
import { cashConfigured, cashStates } from "./drawCash.ts";
import { currentProgram } from "./programStore.ts";

/** A draw as the editor sends it (validated by the route's schema). */
export interface DrawInput {
  slug: string;
  name: string;
  startsAt: Date;
  endsAt: Date;
  rules: string;
  style: "wheel" | "grid";
  eligibility: { levels: string[]; tagIds: string[]; segmentId: string | null; guideUserIds: string[]; funnelId: string | null };
  limits: { perDay: number | null; total: number | null; maxWins: number | null };
  prizes: { id?: string | undefined; name: string; kind: PrizeKind; weight: number; stock: number; points?: number | null | undefined; benefitId?: string | null | undefined; amountFen?: number | null | undefined }[];
  cashBudgetFen: number;
  tagsOnJoin: string[];
  tagsOnWin: string[];
}

interface Context {
  actorId: string | null;
  now: Date;
}

/**
 * What the schema cannot know: whether the referenced levels, benefits, segment and funnel exist,
 * and whether WeChat Pay is there for cash prizes.
 */
async function assertReferences(input: DrawInput): Promise<void> {
  const problems: string[] = [];
  const { program } = await currentProgram();
  const levels = new Set(program.levels.map((level) => level.code));
  input.eligibility.levels.forEach((code, index) => {
    if (!levels.has(code)) {
      problems.push(`eligibility.levels.${index}: 会员等级「${code}」不存在`);
    }
  });
  const benefits = new Set(program.benefits.map((benefit) => benefit.code));
  input.prizes.forEach((prize, index) => {
    if (prize.kind === "benefit" && prize.benefitId && !benefits.has(prize.benefitId)) {
      problems.push(`prizes.${index}.benefitId: 会员权益不存在`);
    }
    if (prize.kind === "cash" && !cashConfigured()) {
      problems.push(`prizes.${index}.kind: 未配置微信支付，不能设置现金奖品`);
    }
  });
  if (input.eligibility.segmentId && !(await Segment.exists({ _id: input.eligibility.segmentId }))) {
    problems.push("eligibility.segmentId: 人群不存在");
  }
  if (input.eligibility.funnelId && !(await Funnel.exists({ _id: input.eligibility.funnelId }))) {
    problems.push("eligibility.funnelId: 群活码不存在");
  }
  if (problems.length > 0) {
    throw ValidationError(problems[0] as string, problems);
  }
}

function withPrizeIds(prizes: DrawInput["prizes"]) {
  return prizes.map((prize) => ({
    id: prize.id ?? crypto.randomBytes(4).toString("hex"),
    name: prize.name,
    kind: prize.kind,
    weight: prize.weight,
    stock: prize.kind === "none" ? 0 : prize.stock,
    points: prize.kind === "points" ? (prize.points ?? null) : null,
    benefitId: prize.kind === "benefit" ? (prize.benefitId ?? null) : null,
    amountFen: prize.kind === "cash" ? (prize.amountFen ?? null) : null,
  }));
}

/**
 * Create a draw (a draft) with its stock and budget documents.
 *
 * @param input the validated draw.
 * @param context who and when.
 * @returns the stored draw.
 */
export async function createDraw(input: DrawInput, context: Context): Promise<StoredDraw> {
  await assertReferences(input);
  const prizes = withPrizeIds(input.prizes);
  let draw: StoredDraw;
  try {
    draw = (await LuckyDraw.create({ ...input, prizes, status: "draft", createdBy: context.actorId })).toObject() as StoredDraw;
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      throw ConflictError("slug: 链接标识已被使用，请换一个");
    }
    throw error;
  }
  // A page asked for this slug before it existed may have cached "not found".
  forgetDraw(draw.slug);
  const drawId = String(draw._id);
  await DrawStock.insertMany([
    ...prizes.filter((prize) => prize.kind !== "none").map((prize) => ({ _id: stockId(drawId, prize.id), drawId: draw._id, key: prize.id, left: prize.stock, total: prize.stock })),
    { _id: stockId(drawId, BUDGET_KEY), drawId: draw._id, key: BUDGET_KEY, left: input.cashBudgetFen, total: input.cashBudgetFen },
  ]);
  await audit({ drawId: draw._id, kind: "edit", actor: context.actorId ?? "system", detail: { action: "create", prizes: prizes.map((prize) => ({ id: prize.id, stock: prize.stock })), cashBudgetFen: input.cashBudgetFen }, at: context.now });
  return draw;
}

/** Wins that still wait for something from us: an address, shipping, a grant, or money. */
async function awaitingWinners(drawId: mongoose.Types.ObjectId, prizeId: string, now: Date): Promise<number> {
  const waiting = await DrawWin.countDocuments({ drawId, prizeId, status: { $in: ["granting", "awaiting_address", "to_ship", "shipped"] } });
  const cashWins = await DrawWin.find({ drawId, prizeId, status: "cash" }, { _id: 1 }).lean();
  const states = await cashStates(cashWins.map((win) => win._id), now);
  const unpaid = cashWins.filter((win) => !["paid", "cancelled", "failed"].includes(states.get(win._id)?.state ?? "processing")).length;
  return waiting + unpaid;
}

/**
 * Move a stock (or the budget) to a new total: `left` moves by the difference, conditionally, so
 * a stock can never be set below what was already won (`left` would go negative).
 */
async function moveStock(draw: StoredDraw, key: string, total: number, field: string): Promise<number> {
  const id = stockId(String(draw._id), key);
  const current = await DrawStock.findById(id).lean();
  if (!current) {
    await DrawStock.create({ _id: id, drawId: draw._id, key, left: total, total });
    return total;
  }
  const delta = total - current.total;
  if (delta === 0) {
    return 0;
  }
  const moved = await DrawStock.updateOne({ _id: id, total: current.total, left: { $gte: -delta } }, { $inc: { left: delta, total: delta } });
  if (moved.modifiedCount !== 1) {
    const used = current.total - current.left;
    throw new AppError(409, "conflict", `${field}: 已发出 ${used}，不能设为 ${total}（或正在被抽取，请重试）`);
  }
  return delta;
}

/**
 * Update a draw. Prize ids are kept (wins refer to them); a prize with winners still waiting for
 * fulfilment cannot be removed; stocks and the budget move by conditional updates. The slug can
 * change only before the first draw (links are out there after).
 *
 * @param id the draw.
 * @param input the validated draw.
 * @param context who and when.
 * @returns the stored draw.
 */
export async function updateDraw(id: string, input: DrawInput, context: Context): Promise<StoredDraw> {
  const draw = (await LuckyDraw.findById(id).lean()) as StoredDraw | null;
  if (!draw) {
    throw NotFoundError("draw");
  }
  await assertReferences(input);
  if (input.slug !== draw.slug && draw.firstDrawAt) {
    throw ConflictError("slug: 活动已有人参与，链接标识不能再修改");
  }
  const prizes = withPrizeIds(input.prizes);
  const kept = new Set(prizes.map((prize) => prize.id));
  for (const removed of draw.prizes.filter((prize) => !kept.has(prize.id))) {
    const waiting = await awaitingWinners(draw._id, removed.id, context.now);
    if (waiting > 0) {
      throw ConflictError(`prizes: 奖品「${removed.name}」还有 ${waiting} 位中奖者待发放，不能删除`);
    }
  }
  prizes.forEach((prize, index) => {
    const before = draw.prizes.find((candidate) => candidate.id === prize.id);
    if (before && before.kind !== prize.kind && draw.firstDrawAt) {
      throw ConflictError(`prizes.${index}.kind: 已有人参与，奖品类型不能再修改（可删除后新增）`);
    }
  });
  const moves: Record<string, number> = {};
  for (const [index, prize] of prizes.entries()) {
    if (prize.kind !== "none") {
      moves[prize.id] = await moveStock(draw, prize.id, prize.stock, `prizes.${index}.stock`);
    }
  }
  moves[BUDGET_KEY] = await moveStock(draw, BUDGET_KEY, input.cashBudgetFen, "cashBudgetFen");
  for (const removed of draw.prizes.filter((prize) => !kept.has(prize.id))) {
    await DrawStock.updateOne({ _id: stockId(id, removed.id) }, { $set: { left: 0 } });
  }
  let updated: StoredDraw | null;
  try {
    updated = (await LuckyDraw.findByIdAndUpdate(id, { $set: { ...input, prizes } }, { returnDocument: "after", lean: true })) as StoredDraw | null;
  } catch (error) {
    if (isDuplicateKeyError(error)) {
      throw ConflictError("slug: 链接标识已被使用，请换一个");
    }
    throw error;
  }
  forgetDraw(draw.slug, input.slug);
  await audit({ drawId: draw._id, kind: "stock", actor: context.actorId ?? "system", detail: { action: "update", moves }, at: context.now });
  return updated as StoredDraw;
}

/**
 * Start, pause, resume or end a draw.
 *
 * @param id the draw.
 * @param status the new status.
 * @param context who and when.
 * @returns the stored draw.
 */
export async function setDrawStatus(id: string, status: "active" | "paused" | "ended", context: Context): Promise<StoredDraw> {
  const draw = (await LuckyDraw.findById(id).lean()) as StoredDraw | null;
  if (!draw) {
    throw NotFoundError("draw");
  }
  if (draw.status === "ended") {
    throw ConflictError("status: 活动已结束，不能再修改状态");
  }
  if (status === "active" && draw.prizes.some((prize) => prize.kind === "cash") && !cashConfigured()) {
    throw ConflictError("status: 未配置微信支付，含现金奖品的活动不能开始");
  }
  const updated = (await LuckyDraw.findByIdAndUpdate(id, { $set: { status } }, { returnDocument: "after", lean: true })) as StoredDraw;
  forgetDraw(draw.slug);
  await audit({ drawId: draw._id, kind: "status", actor: context.actorId ?? "system", detail: { from: draw.status, to: status }, at: context.now });
  return updated;
}

/**
 * Delete a draw that nobody has drawn yet (after that its records are the audit trail: end it).
 *
 * @param id the draw.
 */
export async function deleteDraw(id: string): Promise<void> {
  const draw = await LuckyDraw.findById(id, { slug: 1, firstDrawAt: 1 }).lean();
  if (!draw) {
    throw NotFoundError("draw");
  }
  if (draw.firstDrawAt || (await DrawRecord.exists({ drawId: draw._id }))) {
    throw ConflictError("draw: 活动已有人参与，不能删除，可以结束活动");
  }
  await LuckyDraw.deleteOne({ _id: draw._id, firstDrawAt: null });
  await DrawStock.deleteMany({ drawId: draw._id });
  forgetDraw(draw.slug);
}
