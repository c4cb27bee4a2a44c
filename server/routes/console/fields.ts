import { z } from "zod";
import { LIMIT_MESSAGES, LIMITS } from "../../domain/program.ts";

// Field schemas several console routes share, so a rule and its message are written once.

/** `page` of a paged list (from 1). */
export const page = z.coerce.number().int("must be an integer").min(1, "must be ≥ 1").default(1);
/** `pageSize` of a paged list (1–100, default 20). */
export const pageSize = z.coerce.number().int("must be an integer").min(1, "must be ≥ 1").max(100, "must be ≤ 100").default(20);
/** A member number as the console shows it. */
export const memberNo = z.string().regex(/^M\d{8,}$/, "must be a member number like M00000001");

// Money and points: bounded to what a real order or spend can be (LIMITS, shared with the
// programme), so the bulk import, which validates rows with these same schemas, refuses the same.

/** An order's amount in fen: a sale up to ¥1,000,000, or a refund record down to −¥1,000,000. */
export const orderFen = z
  .number()
  .int("must be an integer number of fen")
  .min(-LIMITS.orderFen, LIMIT_MESSAGES.refundFen)
  .max(LIMITS.orderFen, LIMIT_MESSAGES.orderFen);
/** The total refunded of an order in fen, 0 to ¥1,000,000. */
export const refundedFen = z.number().int("must be an integer number of fen").min(0, "must be ≥ 0").max(LIMITS.orderFen, LIMIT_MESSAGES.orderFen);
/** Units on an order line. */
export const quantity = z.number().int("must be an integer").min(0, "must be ≥ 0").max(LIMITS.quantity, LIMIT_MESSAGES.quantity);
/** Points spent at once. */
export const pointsAmount = z.number().int("must be an integer").min(1, "must be ≥ 1").max(LIMITS.points, LIMIT_MESSAGES.points);
