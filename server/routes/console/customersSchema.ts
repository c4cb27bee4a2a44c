import { z } from "zod";
import { FOLLOW_STATUSES } from "../../models/Follow.ts";
import { page, pageSize } from "./fields.ts";

const key = z.string().trim().min(1, "is required").max(128, "is too long");
/** A China calendar day, the way the console's date pickers send it. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date like 2026-01-31")
  .refine((text) => {
    const at = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(text);
  }, "must be a date like 2026-01-31");
const storeId = z.string().trim().regex(/^\d{1,12}$/, "must be a store id");

export const CustomerListSchema = z.object({
  query: z.object({
    q: z.string().trim().max(40, "is too long").optional(),
    guide: key.optional(),
    storeId: storeId.optional(),
    tagId: key.optional(),
    state: z.string().trim().max(30, "is too long").optional(),
    addedFrom: day.optional(),
    addedTo: day.optional(),
    member: z.enum(["yes", "no"]).optional(),
    status: z.enum(FOLLOW_STATUSES).optional(),
    page,
    pageSize,
  }),
});

export const GroupListSchema = z.object({
  query: z.object({
    q: z.string().trim().max(40, "is too long").optional(),
    owner: key.optional(),
    storeId: storeId.optional(),
    status: z.enum(["active", "dismissed"]).optional(),
    page,
    pageSize,
  }),
});

export const GroupDailySchema = z.object({
  params: z.object({ chatId: key }),
  query: z.object({ from: day.optional(), to: day.optional() }),
});

const lossFilters = {
  guide: key.optional(),
  storeId: storeId.optional(),
  state: z.string().trim().max(30, "is too long").optional(),
  from: day.optional(),
  to: day.optional(),
};

export const LossListSchema = z.object({ query: z.object({ ...lossFilters, page, pageSize }) });

// An export names its days, so one download is bounded however long the brand has run.
export const LossExportSchema = z.object({ query: z.object({ ...lossFilters, from: day, to: day }) });

export type CustomerListQuery = z.infer<typeof CustomerListSchema>["query"];
export type GroupListQuery = z.infer<typeof GroupListSchema>["query"];
export type LossFilterQuery = z.infer<typeof LossListSchema>["query"];
