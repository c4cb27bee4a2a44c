import { z } from "zod";
import type { CashTransferState } from "../../domain/cashTransfer.ts";
import { CASH_TRANSFER_STATE_LABELS } from "../../presenters/labels.ts";
import { page, pageSize } from "./fields.ts";

const STATES = Object.keys(CASH_TRANSFER_STATE_LABELS) as [CashTransferState, ...CashTransferState[]];

export const CashTransferListSchema = z.object({
  query: z.object({
    page,
    pageSize,
    state: z.enum(STATES, "应为 pending_confirm、transferring、paid、failed、cancelled 或 processing").optional(),
    drawId: z.string().trim().min(1, "不能为空").max(64, "不能超过 64 个字符").optional(),
  }),
});
export type CashTransferListReq = z.infer<typeof CashTransferListSchema>;

export const CashTransferRetrySchema = z.object({
  params: z.object({ winId: z.string().min(1, "不能为空").max(64, "不能超过 64 个字符").regex(/^[\w:-]+$/, "中奖记录 id 无效") }),
});
