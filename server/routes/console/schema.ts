import { z } from "zod";
import { EVENT_STATUSES } from "../../models/Event.ts";
import { memberNo, orderFen, page, pageSize, pointsAmount, quantity, refundedFen } from "./fields.ts";

const id = z.string().trim().min(1, "is required").max(128, "is too long");

export const CustomerInfoSchema = z.object({ params: z.object({ externalUserId: id }) });

export const GroupInfoSchema = z.object({ params: z.object({ chatId: id }) });

export const EventListSchema = z.object({
  query: z.object({
    status: z.enum(EVENT_STATUSES).optional(),
    type: z.string().max(64).optional(),
    page,
    pageSize,
  }),
});

const text = (max: number) => z.string().trim().min(1, "is required").max(max, "is too long");

const OrderSchema = z
  .object({
    channel: z.string().regex(/^[a-z0-9_]{1,20}$/, "must be a channel code such as tmall, jd, store"),
    orderNo: text(64),
    amount: orderFen,
    paidAt: z.iso.datetime({ offset: true, error: "must be an ISO 8601 time" }).transform((value) => new Date(value)),
    status: z.enum(["paid", "partially_refunded", "refunded"]).default("paid"),
    refundedAmount: refundedFen.default(0),
    refundOf: text(64).optional(),
    member: z
      .object({
        unionid: text(64).optional(),
        phone: text(20).optional(),
        externalUserId: text(64).optional(),
        buyerId: text(64).optional(),
        name: z.string().trim().max(40).optional(),
      })
      .default({}),
    items: z
      .array(
        z.object({
          sku: z.string().max(64).optional(),
          name: z.string().max(100).optional(),
          category: z.string().max(40).optional(),
          quantity: quantity.optional(),
          amount: orderFen.optional(),
        }),
      )
      .max(200)
      .default([]),
    storeId: text(64).optional(),
    guideUserId: text(64).optional(),
  })
  .superRefine((order, ctx) => {
    if (order.refundedAmount > order.amount && order.amount >= 0) {
      ctx.addIssue({ code: "custom", path: ["refundedAmount"], message: "cannot exceed amount" });
    }
    if (order.amount < 0 && !order.refundOf) {
      ctx.addIssue({ code: "custom", path: ["refundOf"], message: "is required for a refund record (negative amount)" });
    }
  });
export type OrderBody = z.infer<typeof OrderSchema>;

const OrderBatchSchema = z.object({
  body: z.object({ orders: z.array(OrderSchema).min(1, "is empty").max(1000, "at most 1000 per request") }),
});
const OrderSingleSchema = z.object({ body: OrderSchema });

/**
 * One order, or `{ orders: [...] }`, told apart by shape so errors name the field.
 *
 * @param input the raw request.
 * @returns the schema for it.
 */
export const orderCreateSchema = (input: { body: unknown }) =>
  input.body !== null && typeof input.body === "object" && "orders" in input.body ? OrderBatchSchema : OrderSingleSchema;


export const MemberInfoSchema = z.object({ params: z.object({ memberNo }) });

/** `GET /members?q=&levelCode=&storeId=&page=&pageSize=`: q is a member number, a phone or part of a name. */
export const MemberListSchema = z.object({
  query: z.object({
    q: z.string().trim().max(40, "is too long").optional(),
    levelCode: z.string().trim().max(32).optional(),
    storeId: z.string().trim().max(32).optional(),
    page,
    pageSize,
  }),
});

export const PointsSpendSchema = z.object({
  params: z.object({ memberNo }),
  body: z.object({
    amount: pointsAmount,
    requestId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, "must be 8–64 letters, digits, _ or -"),
    reason: text(100),
  }),
});

/** A task completed or a daily sign-in; a task names its own id, a sign-in counts once a day. */
export const ActivitySchema = z.object({
  params: z.object({ memberNo }),
  body: z.discriminatedUnion("kind", [
    z.object({ kind: z.literal("task"), taskId: z.string().regex(/^[A-Za-z0-9_:-]{1,64}$/, "must be 1–64 letters, digits, _, : or -") }),
    z.object({ kind: z.literal("sign_in") }),
  ]),
});

export const MemberMergeSchema = z.object({
  body: z.object({ from: memberNo, into: memberNo, reason: text(200) }),
});

export const MergeUndoSchema = z.object({ params: z.object({ mergeId: z.string().regex(/^[0-9a-f]{24}$/, "must be a merge id") }) });

export const MemberBindSchema = z.object({
  params: z.object({ memberNo }),
  body: z.object({ externalUserId: text(64) }),
});
