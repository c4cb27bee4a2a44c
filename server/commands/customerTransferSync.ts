import { CustomerTransfer } from "../models/CustomerTransfer.ts";
import type { WeComClient } from "../wecom/client.ts";
import customerTransferMover, { markUnassigned } from "./customerTransferMover.ts";
import { sendRequestedTransfers, type TransferPair } from "./customerTransferSender.ts";
import { setOneOffJob } from "./oneOffJobs.ts";

interface ResultPage {
  customer?: { external_userid: string; status: number; takeover_time?: number }[];
  next_cursor?: string;
}

const RESULT_PATHS: Record<TransferPair["kind"], string> = {
  resigned: "/cgi-bin/externalcontact/resigned/transfer_result",
  onjob: "/cgi-bin/externalcontact/transfer_result",
};

/** transfer_result's status (wecom-reference §4.11) → our state and reason; 2 (waiting) changes nothing. */
const OUTCOMES: Record<number, { state: string; reason: string }> = {
  1: { state: "done", reason: "" },
  3: { state: "customer_refused", reason: "客户拒绝了转接" },
  4: { state: "takeover_full", reason: "接替导购的客户数已达上限" },
  5: { state: "failed", reason: "企业微信没有这条转接记录" },
};

export const SYNC_TRANSFER_JOB = "SyncCustomerTransferJob";

/**
 * Set the pair's sync to run at a moment (one job per pair).
 *
 * @param pair the handover and takeover guides and the kind.
 * @param at when.
 */
export async function scheduleTransferSync(pair: TransferPair, at: Date): Promise<void> {
  await setOneOffJob(SYNC_TRANSFER_JOB, { kind: pair.kind, handoverUserId: pair.handoverUserId, takeoverUserId: pair.takeoverUserId }, at);
}

/**
 * One pass over a handover/takeover pair: send what is still requested, read transfer_result
 * (all pages) into the waiting customers, and move the follows of the ones done.
 *
 * @param props the client, the pair and the clock.
 * @returns counts, and how many are not final yet (the job looks again while any are).
 */
export default async function customerTransferSync({ wecom, pair, now }: { wecom: WeComClient; pair: TransferPair; now: Date }): Promise<{ sent: number; finished: number; moved: number; pending: number }> {
  const { accepted } = await sendRequestedTransfers({ wecom, pair, now });
  let finished = 0;
  if (await CustomerTransfer.exists({ ...pair, subject: "customer", state: "waiting" })) {
    let cursor = "";
    do {
      const page = await wecom.post<ResultPage>(RESULT_PATHS[pair.kind], { handover_userid: pair.handoverUserId, takeover_userid: pair.takeoverUserId, cursor }, { priority: "bulk" });
      for (const customer of page.customer ?? []) {
        const outcome = OUTCOMES[customer.status];
        if (!outcome) {
          continue;
        }
        const takeoverTime = customer.takeover_time ? new Date(customer.takeover_time * 1000) : null;
        const { modifiedCount } = await CustomerTransfer.updateOne(
          { ...pair, subject: "customer", targetId: customer.external_userid, state: "waiting" },
          { $set: { state: outcome.state, reason: outcome.reason, finishedAt: now, ...(outcome.state === "done" ? { takeoverTime: takeoverTime ?? now } : {}) } },
        );
        finished += modifiedCount;
        if (modifiedCount > 0 && outcome.state !== "done") {
          await markUnassigned(pair, [customer.external_userid], false);
        }
      }
      cursor = page.next_cursor ?? "";
    } while (cursor);
  }
  const moved = await customerTransferMover({ pair, now });
  const pending = await CustomerTransfer.countDocuments({ ...pair, subject: "customer", state: { $in: ["requested", "waiting"] } });
  return { sent: accepted, finished, moved, pending };
}

/** A manager's 查询结果 asks WeCom for at most this many pairs at once; the pairs' jobs do the rest. */
const REFRESH_PAIRS = 50;

/**
 * Look at WeCom now instead of waiting for the pairs' jobs (查询结果 on the console): every pair
 * with customers still on their way, within the stores the asker may see.
 *
 * @param props the client, the store filter of the asker and the clock.
 * @returns how many pairs were looked at, finished and are still pending.
 */
export async function refreshTransfers({ wecom, storeFilter, now }: { wecom: WeComClient; storeFilter: Record<string, unknown>; now: Date }): Promise<{ pairs: number; finished: number; pending: number }> {
  const open = await CustomerTransfer.find({ ...storeFilter, subject: "customer", state: { $in: ["requested", "waiting"] } }, { kind: 1, handoverUserId: 1, takeoverUserId: 1 }).lean();
  const pairs = new Map<string, TransferPair>();
  for (const transfer of open) {
    pairs.set(`${transfer.kind}:${transfer.handoverUserId}:${transfer.takeoverUserId}`, { kind: transfer.kind as TransferPair["kind"], handoverUserId: transfer.handoverUserId, takeoverUserId: transfer.takeoverUserId });
  }
  let finished = 0;
  let pending = 0;
  for (const pair of [...pairs.values()].slice(0, REFRESH_PAIRS)) {
    const pass = await customerTransferSync({ wecom, pair, now });
    finished += pass.finished;
    pending += pass.pending;
  }
  return { pairs: Math.min(pairs.size, REFRESH_PAIRS), finished, pending };
}
