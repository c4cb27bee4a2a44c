import type { Types } from "mongoose";
import followTagger from "../commands/followTagger.ts";
import { isDuplicateKeyError } from "../db/duplicates.ts";
import { Follow } from "../models/Follow.ts";
import { TagApplication } from "../models/TagApplication.ts";
import type { WeComClient } from "../wecom/client.ts";

/**
 * Tag a customer the bot linked to a speaker, for every guide who follows them, through the one
 * tagging command (WeCom's mark_tag). A tag a rule put on a follow once is not put again
 * (TagApplication `<rule>:<customer>:<guide>:<tag>`), so a retried event does not call WeCom twice.
 *
 * @param props the client, the rule and its keyword, the customer, the tags and the clock.
 * @returns how many tags were applied now.
 */
export default async function botTagger(props: { wecom: WeComClient; ruleId: Types.ObjectId; keyword: string; externalUserId: string; tagIds: string[]; now: Date }): Promise<number> {
  const follows = await Follow.find({ externalUserId: props.externalUserId, status: "active" }, { userId: 1 }).lean();
  let applied = 0;
  for (const { userId } of follows) {
    const idOf = (tagId: string) => `${String(props.ruleId)}:${props.externalUserId}:${userId}:${tagId}`;
    const fresh: string[] = [];
    for (const tagId of props.tagIds) {
      if (!(await TagApplication.exists({ _id: idOf(tagId) }))) {
        fresh.push(tagId);
      }
    }
    if (fresh.length === 0) {
      continue;
    }
    await followTagger({ wecom: props.wecom, userId, externalUserId: props.externalUserId, add: fresh, remove: [] });
    for (const tagId of fresh) {
      const reason = `群机器人：在群里说了「${props.keyword}」`;
      await TagApplication.create({ _id: idOf(tagId), ruleId: props.ruleId, externalUserId: props.externalUserId, userId, tagId, reason, at: props.now }).catch((error: unknown) => {
        if (!isDuplicateKeyError(error)) {
          throw error;
        }
      });
    }
    applied += fresh.length;
  }
  return applied;
}
