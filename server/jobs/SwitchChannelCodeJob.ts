import channelCodeSwitcher from "../commands/channelCodeSwitcher.ts";
import { BaseJob } from "./BaseJob.ts";

/**
 * One per channel code, due at the code's next slot boundary (China time): re-applies the code's
 * schedule (WeCom is called only when the guides or the verification setting change) and sets
 * itself for the boundary after. There is no loop over every code.
 */
export class SwitchChannelCodeJob extends BaseJob<{ codeId: string }> {
  /**
   * @param props the code.
   * @returns whether WeCom was updated.
   */
  async perform({ codeId }: { codeId: string }): Promise<Record<string, unknown>> {
    const { changed } = await channelCodeSwitcher({ wecom: this.context.wecom, codeId, now: this.context.now() });
    return { codeId, changed };
  }
}
