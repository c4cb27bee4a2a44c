import massMessageDispatcher from "../commands/massMessageDispatcher.ts";
import massMessagePlanner from "../commands/massMessagePlanner.ts";
import { scheduleMassDispatch, scheduleMassSync } from "../commands/massMessageTimer.ts";
import { MassMessage } from "../models/MassMessage.ts";
import { BaseJob } from "./BaseJob.ts";

// Rate-limited or unreachable tasks are tried again after this.
const RETRY_MS = 60_000;
const FIRST_SYNC_MS = 10 * 60_000;

/**
 * One per mass message, due at its send time: plans the audience into per-guide tasks (or redoes
 * a plan a crash cut short), then dispatches; while tasks are left it sets itself a minute later,
 * and once all are settled it sets the first sync. A run on a process that died is picked up
 * again by Agenda when its lock lapses, and resumes without sending any task twice.
 */
export class DispatchMassMessageJob extends BaseJob<{ massMessageId: string }> {
  override readonly options = { concurrency: 2 };

  /**
   * @param props the campaign.
   * @returns the run's figures.
   */
  async perform({ massMessageId }: { massMessageId: string }): Promise<Record<string, unknown>> {
    const now = this.context.now;
    const campaign = await MassMessage.findById(massMessageId, { status: 1 }).lean();
    if (campaign?.status === "scheduled" || campaign?.status === "planning") {
      await massMessagePlanner({ massMessageId, now: now() });
    }
    const result = await massMessageDispatcher({ wecom: this.context.wecom, massMessageId, now });
    if (result.status === "dispatching") {
      await scheduleMassDispatch(massMessageId, new Date(now().getTime() + RETRY_MS));
    } else if (result.status === "sent") {
      await scheduleMassSync(massMessageId, new Date(now().getTime() + FIRST_SYNC_MS));
    }
    return { massMessageId, ...result };
  }
}
