import customerTransferSync, { scheduleTransferSync } from "../commands/customerTransferSync.ts";
import type { TransferPair } from "../commands/customerTransferSender.ts";
import { BaseJob } from "./BaseJob.ts";

/** WeCom completes an accepted transfer within about a day (wecom-reference §4.11): look hourly. */
const NEXT_LOOK_MS = 60 * 60_000;
/** After a failed pass (WeCom unreachable), the next try. */
const RETRY_MS = 10 * 60_000;

/** One per handover/takeover pair: sends what is still requested and syncs transfer_result until every customer is final. */
export class SyncCustomerTransferJob extends BaseJob<TransferPair & Record<string, string>> {
  /**
   * @param pair the kind and the two guides.
   * @returns the pass's counts.
   */
  async perform(pair: TransferPair & Record<string, string>): Promise<Record<string, unknown>> {
    const now = this.context.now();
    const which: TransferPair = { kind: pair.kind, handoverUserId: pair.handoverUserId, takeoverUserId: pair.takeoverUserId };
    try {
      const result = await customerTransferSync({ wecom: this.context.wecom, pair: which, now });
      if (result.pending > 0) {
        await scheduleTransferSync(which, new Date(now.getTime() + NEXT_LOOK_MS));
      }
      return result;
    } catch (error) {
      // A one-off job that throws is not run again by Agenda: without this the sync would stop.
      await scheduleTransferSync(which, new Date(now.getTime() + RETRY_MS)).catch(() => undefined);
      throw error;
    }
  }
}
