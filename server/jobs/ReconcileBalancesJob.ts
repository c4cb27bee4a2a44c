import { reconcileBalances } from "../commands/ledgerPoster.ts";
import { CronJob } from "./BaseJob.ts";

/** Nightly: members' growth and points are set back to what the ledger says. */
export class ReconcileBalancesJob extends CronJob {
  // 02:00 China time, before levels are evaluated on the balances.
  readonly interval = "0 18 * * *";

  /**
   * @returns how many members were corrected.
   */
  async perform(): Promise<Record<string, unknown>> {
    return { corrected: await reconcileBalances() };
  }
}
