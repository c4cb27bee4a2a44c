import { wechatPayClient } from "../commands/cashPayout.ts";
import { advanceTransfer } from "../commands/cashTransferAdvancer.ts";
import { BaseJob } from "./BaseJob.ts";

/**
 * One per cash payout without a final state, due at its next back-off (server/commands/cashTransferTimer.ts):
 * reads the payout by key, creates, queries or cancels as its state needs (a notification that
 * never came is made up by the query), and sets itself again until the bill is final. There is no
 * loop over every payout.
 */
export class PollTransfersJob extends BaseJob<{ winId: string }> {
  /**
   * @param props the payout.
   * @returns the state reached.
   */
  async perform({ winId }: { winId: string }): Promise<Record<string, unknown>> {
    const client = wechatPayClient();
    if (!client) {
      return { winId, skipped: "wechatpay not configured" };
    }
    return { winId, ...(await advanceTransfer(client, winId, this.context.now())) };
  }
}
