import { z } from "zod";

// Field schemas several console routes share, so a rule and its message are written once.

/** `page` of a paged list (from 1). */
export const page = z.coerce.number().int("must be an integer").min(1, "must be ≥ 1").default(1);
/** `pageSize` of a paged list (1–100, default 20). */
export const pageSize = z.coerce.number().int("must be an integer").min(1, "must be ≥ 1").max(100, "must be ≤ 100").default(20);
/** A member number as the console shows it. */
export const memberNo = z.string().regex(/^M\d{8,}$/, "must be a member number like M00000001");
