import { z } from "zod";
import { SegmentRuleSchema } from "../../domain/segmentRule.ts";
import { page, pageSize } from "./fields.ts";

const segmentId = z.string().regex(/^[0-9a-f]{24}$/, "must be a segment id");

const SegmentBodySchema = z.object({
  name: z.string().trim().min(1, "is required").max(40, "is too long"),
  description: z.string().trim().max(200, "is too long").default(""),
  rule: SegmentRuleSchema,
});

/** `POST /segments/preview`: the body is the rule itself, so errors read `rfm.r.0: …`. */
export const SegmentPreviewSchema = z.object({ body: SegmentRuleSchema });

/** `POST /segments`. */
export const SegmentCreateSchema = z.object({ body: SegmentBodySchema });

/** `GET /segments?q=&page=&pageSize=`. */
export const SegmentListSchema = z.object({
  query: z.object({ q: z.string().trim().max(40, "is too long").optional(), page, pageSize }),
});

/** `GET|DELETE /segments/:id` and `GET /segments/:id/export`. */
export const SegmentInfoSchema = z.object({ params: z.object({ id: segmentId }) });

/** `PUT /segments/:id`: the whole segment, as on create. */
export const SegmentUpdateSchema = z.object({ params: z.object({ id: segmentId }), body: SegmentBodySchema });

/** `GET /segments/:id/members?page=&pageSize=`. */
export const SegmentMembersSchema = z.object({ params: z.object({ id: segmentId }), query: z.object({ page, pageSize }) });
