import { getLogger } from "../logging/logger.ts";
import { ChannelCode } from "../models/ChannelCode.ts";
import type { WeComClient } from "../wecom/client.ts";
import channelCodeSwitcher from "./channelCodeSwitcher.ts";

/**
 * A guide who left the company leaves every code: taken out of the guides and backups, and each
 * code re-applied to WeCom at once (a departed member would make WeCom refuse the code's next
 * update). A code left with nobody is marked, so the console can show which codes lost their
 * last guide; WeCom keeps answering it with whom it had until an operator picks someone.
 *
 * @param props the client, the guide and the clock.
 * @returns the ids of the codes changed, and of those that lost their last guide.
 */
export default async function channelCodeGuideRemover({ wecom, userId, now }: { wecom: WeComClient; userId: string; now: Date }): Promise<{ changed: string[]; orphaned: string[] }> {
  // Directory events are rare and codes few: a scan here keeps the add path's reads by key.
  const codes = await ChannelCode.find({ $or: [{ "guides.userId": userId }, { backupGuides: userId }] }, { _id: 1 }).lean();
  const changed: string[] = [];
  const orphaned: string[] = [];
  for (const { _id } of codes) {
    const code = await ChannelCode.findOneAndUpdate({ _id }, { $pull: { guides: { userId }, backupGuides: userId } }, { returnDocument: "after", lean: true });
    if (!code) {
      continue;
    }
    changed.push(String(_id));
    if (code.type !== "store" && code.guides.length === 0 && code.backupGuides.length === 0) {
      orphaned.push(String(_id));
      await ChannelCode.updateOne({ _id }, { $set: { lostLastGuideAt: now } });
      continue;
    }
    await channelCodeSwitcher({ wecom, codeId: String(_id), now }).catch((error: unknown) => {
      // The code is already without the guide here; its next switch job tries WeCom again.
      getLogger("callback").warn({ codeId: String(_id), err: error }, "channel code not re-applied after a guide left");
    });
  }
  return { changed, orphaned };
}
