import { z } from "zod";
import { TRANSFER_KINDS, TRANSFER_STATES, TRANSFER_SUBJECTS } from "../../models/CustomerTransfer.ts";

// Messages are Chinese; the validate middleware prefixes the field ("items: …").
const userId = (what: string) => z.string({ error: `请选择${what}` }).trim().min(1, `请选择${what}`).max(64, `${what}无效`);
const page = z.coerce.number({ error: "页码应为数字" }).int("页码应为整数").min(1, "页码应 ≥ 1").max(10_000, "页码过大").default(1);
const pageSize = z.coerce.number({ error: "每页条数应为数字" }).int("每页条数应为整数").min(1, "每页条数应在 1 到 100 之间").max(100, "每页条数应在 1 到 100 之间").default(20);
const storeId = z.string().trim().regex(/^\d{1,12}$/, "门店无效").optional();
const kind = z.enum(TRANSFER_KINDS, { error: "转接类型应为离职继承或在职转接" });

/** A request moves at most this many customers; WeCom is then asked 100 at a time. */
export const TRANSFER_REQUEST_LIMIT = 1000;

/** `GET /transfers/unassigned`: departed guides' customers waiting for a takeover guide. */
export const UnassignedListSchema = z.object({
  query: z.object({ handoverUserId: userId("原导购").optional(), storeId, q: z.string().trim().max(40, "搜索词不能超过 40 个字").optional(), page, pageSize }),
});

/** `GET /transfers/departed`: departed guides with customers or groups left. */
export const DepartedListSchema = z.object({ query: z.object({ storeId, page, pageSize }) });

/** `GET /transfers/candidates`: who may take over a guide's customers (the same store's guides). */
export const CandidatesSchema = z.object({ query: z.object({ handoverUserId: userId("原导购") }) });

/** `POST /transfers`: per customer (takeoverUserId set) or in bulk (null: round-robin in the store). */
export const TransferStartSchema = z.object({
  body: z.object({
    kind,
    items: z
      .array(
        z.object({
          externalUserId: z.string({ error: "请选择客户" }).trim().min(1, "请选择客户").max(64, "客户无效"),
          handoverUserId: userId("原导购"),
          takeoverUserId: userId("接替导购").nullable().default(null),
        }),
        { error: "客户应为列表" },
      )
      .min(1, "请至少选择一名客户")
      .max(TRANSFER_REQUEST_LIMIT, `一次最多转接 ${TRANSFER_REQUEST_LIMIT} 名客户`),
    transferSuccessMsg: z.string({ error: "转接提示语应为文字" }).trim().max(200, "转接提示语不能超过 200 个字").default(""),
  }),
});

/** `POST /transfers/groups`: a guide's customer groups to a new owner. */
export const GroupTransferSchema = z.object({
  body: z.object({
    kind,
    handoverUserId: userId("原群主"),
    takeoverUserId: userId("新群主"),
    chatIds: z.array(z.string().trim().min(1, "请选择客户群").max(64, "客户群无效"), { error: "客户群应为列表" }).min(1, "请至少选择一个客户群").max(100, "一次最多转接 100 个客户群"),
  }),
});

/** `GET /transfers`: outcomes per customer. */
export const TransferListSchema = z.object({
  query: z.object({
    state: z.enum(TRANSFER_STATES, { error: "状态无效" }).optional(),
    kind: kind.optional(),
    subject: z.enum(TRANSFER_SUBJECTS, { error: "对象应为客户或客户群" }).optional(),
    storeId,
    handoverUserId: userId("原导购").optional(),
    takeoverUserId: userId("接替导购").optional(),
    page,
    pageSize,
  }),
});

/** `POST /transfers/:id/retry`. */
export const TransferRetrySchema = z.object({
  params: z.object({ id: z.string().min(1, "请选择转接记录").max(400, "转接记录无效") }),
  body: z.object({ takeoverUserId: userId("接替导购").nullable().default(null) }),
});
