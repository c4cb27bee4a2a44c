import { NotFoundError } from "../errors.ts";
import { Follow } from "../models/Follow.ts";
import type { WeComClient } from "../wecom/client.ts";
import memberLinkRefresher, { memberIdOfCustomer } from "./memberLinkRefresher.ts";

interface Props {
  wecom: WeComClient;
  userId: string;
  externalUserId: string;
  add: string[];
  remove: string[];
}

/**
 * Tag or untag a customer for one guide with WeCom's mark_tag, then record it on the follow and
 * the member (the API change fires no callback).
 *
 * @param props the follow and the tag ids to add and remove.
 * @returns the follow's tag ids afterwards.
 */
export default async function followTagger({ wecom, userId, externalUserId, add, remove }: Props): Promise<string[]> {
  const follow = await Follow.findOne({ externalUserId, userId }).lean();
  if (!follow || follow.status !== "active") {
    throw NotFoundError("follow");
  }
  await wecom.post("/cgi-bin/externalcontact/mark_tag", {
    userid: userId,
    external_userid: externalUserId,
    add_tag: add,
    remove_tag: remove,
  });
  const tagIds = [...new Set([...follow.tagIds.filter((id) => !remove.includes(id)), ...add])];
  await Follow.updateOne({ externalUserId, userId }, { $set: { tagIds } });
  const memberId = await memberIdOfCustomer(externalUserId);
  if (memberId) {
    await memberLinkRefresher(memberId);
  }
  return tagIds;
}
