import crypto from "node:crypto";
import type { Types } from "mongoose";
import { BENEFIT_STATE_MESSAGE, claimWindow, type BenefitMember, type BenefitStatus } from "../domain/benefits.ts";
import type { Benefit, Program } from "../domain/program.ts";
import { AppError, ConflictError, NotFoundError, UnprocessableError } from "../errors.ts";
import { BenefitClaim } from "../models/BenefitClaim.ts";
import { Counter } from "../models/Counter.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { settleTasksOnRedemption } from "./taskCloser.ts";

const DAY = 86_400_000;
// Unambiguous letters and digits: codes are read aloud and typed at the till.
const CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";


/**
 * The benefits of the member's level with their claim window and what was claimed.
 *
 * @param member the member.
 * @param program the program in force.
 * @param now the clock.
 * @returns one status per benefit of the member's level.
 */
export async function benefitStatuses(member: BenefitMember, program: Program, now: Date): Promise<BenefitStatus[]> {
  const statuses: BenefitStatus[] = [];
  for (const benefit of program.benefits.filter((candidate) => candidate.levels.includes(member.levelCode))) {
    const window = claimWindow(benefit, member, program, now);
    // This period's claims sit in slots 1..perMember: read each by its unique key, not by scanning.
    const slots = window.period === null ? [] : Array.from({ length: benefit.perMember }, (_, index) => `${benefit.code}:${member._id}:${window.period}:${index + 1}`);
    const mine = (await Promise.all(slots.map((slot) => BenefitClaim.findOne({ slot }).lean()))).filter((claim) => claim !== null);
    const stockLeft = benefit.stock === undefined || ((await Counter.findById(`benefit-stock:${benefit.code}`).lean())?.value ?? 0) < benefit.stock;
    let state: BenefitStatus["state"] = "claimable";
    if (!window.period) {
      state = "no_birthday";
    } else if (mine.length >= benefit.perMember) {
      state = "claimed_all";
    } else if (window.start && now < window.start) {
      state = "not_yet";
    } else if (window.end && now > window.end) {
      state = "window_closed";
    } else if (!stockLeft) {
      state = "out_of_stock";
    }
    statuses.push({
      benefit,
      state,
      windowStart: window.start,
      windowEnd: window.end,
      period: window.period,
      claims: mine.map((claim) => ({
        code: claim._id,
        status: claim.status === "claimed" && claim.redeemBy < now ? "expired" : claim.status,
        redeemBy: claim.redeemBy,
        redeemedAt: claim.redeemedAt ?? null,
      })),
    });
  }
  return statuses;
}

/**
 * Claim a benefit for a member: within its window, up to the per-member quantity (a unique slot
 * per claim) and the stock (an atomic conditional counter), so concurrent claims never exceed
 * either.
 *
 * @param props member, benefit code, program and clock.
 * @returns the redemption code and its deadline.
 */
export default async function benefitClaimer(props: { member: BenefitMember; benefitCode: string; program: Program; now: Date }): Promise<{ code: string; redeemBy: Date }> {
  const { member, program, now } = props;
  const status = (await benefitStatuses(member, program, now)).find((candidate) => candidate.benefit.code === props.benefitCode);
  if (!status) {
    throw NotFoundError("benefit");
  }
  if (status.state !== "claimable") {
    throw UnprocessableError(`benefit_${status.state}`, `benefitCode: ${BENEFIT_STATE_MESSAGE[status.state]}`);
  }
  const { benefit } = status;
  const stockTaken = await takeStock(benefit);
  try {
    const redeemBy = new Date(now.getTime() + benefit.redeemWithinDays * DAY);
    for (let n = 1; n <= benefit.perMember; n += 1) {
      const slot = `${benefit.code}:${member._id}:${status.period}:${n}`;
      const code = await insertClaim({ slot, benefitCode: benefit.code, memberId: member._id, levelCode: member.levelCode, claimedAt: now, redeemBy });
      if (code) {
        return { code, redeemBy };
      }
    }
  } catch (error) {
    await releaseStock(benefit, stockTaken);
    throw error;
  }
  await releaseStock(benefit, stockTaken);
  throw ConflictError("benefitCode: 本期权益已领取");
}

/**
 * Redeem (核销) a claimed benefit by its code, once, before its deadline.
 *
 * @param props the code, who redeems, where, and the clock.
 * @returns the redeemed claim's benefit code and member.
 */
export async function benefitRedeemer(props: { code: string; userId: string | null; storeId: string | null; now: Date }): Promise<{ benefitCode: string; memberId: string }> {
  const redeemed = await BenefitClaim.findOneAndUpdate(
    { _id: props.code, status: "claimed", redeemBy: { $gte: props.now } },
    { $set: { status: "redeemed", redeemedAt: props.now, redeemedByUserId: props.userId, storeId: props.storeId } },
    { returnDocument: "after", lean: true },
  );
  if (redeemed) {
    await settleTasksOnRedemption({ claimSlot: redeemed.slot, memberId: String(redeemed.memberId), userId: props.userId, at: props.now });
    return { benefitCode: redeemed.benefitCode, memberId: String(redeemed.memberId) };
  }
  const claim = await BenefitClaim.findById(props.code).lean();
  if (!claim) {
    throw new AppError(404, "not_found", "code: 核销码不存在，请核对后重试");
  }
  throw ConflictError(claim.status === "redeemed" ? "code: 该核销码已核销" : "code: 该核销码已过期");
}

async function takeStock(benefit: Benefit): Promise<boolean> {
  if (benefit.stock === undefined) {
    return false;
  }
  try {
    const taken = await Counter.findOneAndUpdate(
      { _id: `benefit-stock:${benefit.code}`, value: { $lt: benefit.stock } },
      { $inc: { value: 1 } },
      { upsert: true, returnDocument: "after", lean: true },
    );
    if (taken) {
      return true;
    }
  } catch (error) {
    // The counter exists and is at the stock: the upsert's insert collided.
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
  throw UnprocessableError("benefit_out_of_stock", "benefitCode: 权益已领完");
}

async function releaseStock(benefit: Benefit, taken: boolean): Promise<void> {
  if (taken) {
    await Counter.updateOne({ _id: `benefit-stock:${benefit.code}` }, { $inc: { value: -1 } });
  }
}

async function insertClaim(doc: { slot: string; benefitCode: string; memberId: Types.ObjectId; levelCode: string; claimedAt: Date; redeemBy: Date }): Promise<string | null> {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const code = Array.from(crypto.randomBytes(10), (byte) => CODE_ALPHABET[byte % CODE_ALPHABET.length]).join("");
    try {
      await BenefitClaim.create({ _id: code, ...doc });
      return code;
    } catch (error) {
      if (!isDuplicateKeyError(error)) {
        throw error;
      }
      // Either the slot is taken (claimed already) or, 1 in 32^10, the code: draw another.
      if (await BenefitClaim.exists({ slot: doc.slot })) {
        return null;
      }
    }
  }
  throw new Error("could not draw a unique redemption code");
}
