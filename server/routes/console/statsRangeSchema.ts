import { z } from "zod";

/** A China date, YYYY-MM-DD, that exists on the calendar. */
export const statsDay = z
  .string({ error: "请填写日期（YYYY-MM-DD）" })
  .regex(/^\d{4}-\d{2}-\d{2}$/, "日期格式应为 YYYY-MM-DD")
  .refine((text) => {
    const at = new Date(`${text}T00:00:00Z`);
    return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(text);
  }, "不是有效的日期");

/** `from` and `to` of a statistics query; both optional (the route fills the last 30 days). */
export const statsRange = { from: statsDay.optional(), to: statsDay.optional() };

/** `from` and `to` of a statistics export: an Excel file names the range it covers, so both are required. */
export const exportRange = { from: statsDay, to: statsDay };
