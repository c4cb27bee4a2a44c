import { Employee } from "../models/Employee.ts";
import { Group, type GroupMemberAttrs } from "../models/Group.ts";
import type { ExternalChatEvent } from "../wecom/callbackEvent.ts";
import type { WeComClient } from "../wecom/client.ts";
import autoTagger from "./autoTagger.ts";
import groupSyncer from "./groupSyncer.ts";
import { memberGroupLinker } from "./memberLinkRefresher.ts";

interface Props {
  wecom: WeComClient;
  event: ExternalChatEvent;
  now: Date;
}

// external_userid of WeChat customers starts with "wm", of other corps' WeCom users with "wo".
const EXTERNAL_ID = /^w[mo][A-Za-z0-9_-]{8,}$/;

/**
 * Apply a change_external_chat event. Member joins and leaves are applied as a delta only when
 * the stored member_version is the one the delta was cut from (LastMemVer); otherwise, and for
 * owner, name and notice changes whose new values the event does not carry, the group is re-read
 * (wecom-reference §2.2).
 *
 * @param props client, the event and the clock.
 * @returns nothing.
 */
export default async function groupUpdater({ wecom, event, now }: Props): Promise<void> {
  if (event.ChangeType === "dismiss") {
    const group = await Group.findOne({ chatId: event.ChatId }, { members: 1 }).lean();
    const inGroup = (group?.members ?? []).filter((member) => member.type === "customer" && member.status === "in");
    await memberGroupLinker(event.ChatId, [], inGroup.map((member) => member.id));
    await Group.updateOne(
      { chatId: event.ChatId },
      { $set: { status: "dismissed", dismissedAt: new Date(event.CreateTime * 1000) } },
      { upsert: true },
    );
    return;
  }
  const isMemberChange = event.UpdateDetail === "add_member" || event.UpdateDetail === "del_member";
  if (event.ChangeType === "update" && isMemberChange && (await applyMemberDelta(event, wecom, now))) {
    return;
  }
  await groupSyncer({ wecom, chatId: event.ChatId, now });
}

async function applyMemberDelta(event: ExternalChatEvent, wecom: WeComClient, now: Date): Promise<boolean> {
  const group = await Group.findOne({ chatId: event.ChatId }).lean();
  if (!group || !group.memberVersion || !event.LastMemVer || !event.CurMemVer) {
    return false;
  }
  if (group.memberVersion !== event.LastMemVer || event.MemChangeList.length === 0) {
    return false;
  }
  const at = new Date(event.CreateTime * 1000);
  const members = new Map(group.members.map((member): [string, GroupMemberAttrs] => [member.id, member]));

  if (event.UpdateDetail === "add_member") {
    const employees = new Set(
      (await Employee.find({ userId: { $in: event.MemChangeList } }, { userId: 1 })).map((employee) => employee.userId),
    );
    for (const id of event.MemChangeList) {
      const known = members.get(id);
      const type = known?.type ?? (employees.has(id) ? "employee" : EXTERNAL_ID.test(id) ? "customer" : null);
      if (!type) {
        // Neither a known employee nor a customer id: only a re-read can say who this is.
        return false;
      }
      members.set(id, {
        ...(known ?? { groupNickname: "", name: "", state: "", invitorId: null }),
        id,
        type,
        joinScene: event.JoinScene ?? null,
        joinedAt: at,
        status: "in",
        quitScene: null,
        leftAt: null,
      });
    }
  } else {
    for (const id of event.MemChangeList) {
      const known = members.get(id);
      if (!known) {
        return false;
      }
      members.set(id, { ...known, status: "left", quitScene: event.QuitScene ?? null, leftAt: at });
    }
  }

  // Conditional on the version we read, so a concurrent re-read is never overwritten by a stale delta.
  const result = await Group.updateOne(
    { chatId: event.ChatId, memberVersion: event.LastMemVer },
    { $set: { members: [...members.values()], memberVersion: event.CurMemVer } },
  );
  if (result.modifiedCount === 1) {
    const customers = event.MemChangeList.filter((id) => members.get(id)?.type === "customer");
    const joined = event.UpdateDetail === "add_member" ? customers : [];
    await memberGroupLinker(event.ChatId, joined, event.UpdateDetail === "del_member" ? customers : []);
    for (const externalUserId of joined) {
      await autoTagger({ wecom, externalUserId, fact: { kind: "group_join", chatId: event.ChatId }, now });
    }
  }
  return result.modifiedCount === 1;
}
