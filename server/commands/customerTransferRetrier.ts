import { transferRetryable } from "../domain/transferOutcomes.ts";
import { NotFoundError, ValidationError } from "../errors.ts";
import { CustomerTransfer, type CustomerTransferAttrs } from "../models/CustomerTransfer.ts";
import type { Actor } from "../security/authorization.ts";
import type { WeComClient } from "../wecom/client.ts";
import { inTransferScope } from "./customerTransferCandidates.ts";
import customerTransferStarter from "./customerTransferStarter.ts";

/**
 * Try an unsuccessful transfer again (the customer refused, the takeover guide was full, WeCom said no
 * for a reason another attempt can change):
 * a new attempt of the same customer, to the same takeover guide or another one. Only the
 * customer's latest transfer from that guide may be retried, so two retries do not race.
 *
 * @param props the transfer, an optional other takeover guide, who asks, the client and the clock.
 * @returns what the start returned.
 */
export default async function customerTransferRetrier({ wecom, actor, id, takeoverUserId, now }: { wecom: WeComClient; actor: Actor; id: string; takeoverUserId: string | null; now: Date }): Promise<{ ids: string[]; accepted: number; refused: number }> {
  const transfer = await CustomerTransfer.findById(id).lean<CustomerTransferAttrs>();
  if (!transfer || !inTransferScope(actor, transfer.storeId ?? null)) {
    throw NotFoundError("transfer");
  }
  if (!transferRetryable(transfer)) {
    throw ValidationError(`id: ${transfer.state === "done" || transfer.state === "waiting" || transfer.state === "requested" ? "该转接没有失败，无需重试" : `该转接不能重试：${transfer.reason}`}`);
  }
  if (transfer.supersededAt) {
    throw ValidationError("id: 该客户已有更新的转接记录，请重试最新的一条");
  }
  return await customerTransferStarter({
    wecom,
    actor,
    kind: transfer.kind as CustomerTransferAttrs["kind"],
    items: [{ externalUserId: transfer.targetId, handoverUserId: transfer.handoverUserId, takeoverUserId: takeoverUserId ?? transfer.takeoverUserId }],
    transferSuccessMsg: transfer.transferSuccessMsg ?? "",
    now,
  });
}
