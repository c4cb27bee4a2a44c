import { z } from "zod";
import { EVENT_STATUSES } from "../../models/Event.ts";

const id = z.string().trim().min(1, "is required").max(128, "is too long");

export const CustomerInfoSchema = z.object({ params: z.object({ externalUserId: id }) });
export type CustomerInfoReq = z.infer<typeof CustomerInfoSchema>;

export const GroupInfoSchema = z.object({ params: z.object({ chatId: id }) });
export type GroupInfoReq = z.infer<typeof GroupInfoSchema>;

export const EventListSchema = z.object({
  query: z.object({
    status: z.enum(EVENT_STATUSES).optional(),
    type: z.string().max(64).optional(),
    page: z.coerce.number().int("must be an integer").min(1, "must be ≥ 1").default(1),
    pageSize: z.coerce.number().int("must be an integer").min(1, "must be ≥ 1").max(100, "must be ≤ 100").default(20),
  }),
});
export type EventListReq = z.infer<typeof EventListSchema>;
