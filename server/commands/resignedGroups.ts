import { WeComApiError } from "../errors.ts";
import { getLogger } from "../logging/logger.ts";
import { Employee } from "../models/Employee.ts";
import { Group } from "../models/Group.ts";
import { paginate, type WeComClient } from "../wecom/client.ts";
import groupSyncer from "./groupSyncer.ts";

interface GroupListPage {
  group_chat_list?: { chat_id: string; status: number }[];
  next_cursor?: string;
}

/** groupchat/list's 离职待继承: the owner left and the group waits for a new one (wecom-reference §4.6). */
const RESIGNED_PENDING = 1;
/** groupchat/list refuses to list without owner_filter when the app sees more than 1000 members. */
const OWNER_FILTER_REQUIRED = 81017;
const OWNER_FILTER_MAX = 100;
const PAGE_LIMIT = 1000;

async function pendingChatIds(wecom: WeComClient, owners: string[] | null): Promise<string[]> {
  const chats = paginate(async (cursor) => {
    const page = await wecom.post<GroupListPage>(
      "/cgi-bin/externalcontact/groupchat/list",
      { status_filter: RESIGNED_PENDING, ...(owners ? { owner_filter: { userid_list: owners } } : {}), cursor, limit: PAGE_LIMIT },
      { priority: "bulk" },
    );
    return { items: page.group_chat_list ?? [], nextCursor: page.next_cursor };
  });
  const chatIds: string[] = [];
  for await (const chat of chats) {
    chatIds.push(chat.chat_id);
  }
  return chatIds;
}

/** Everyone who may have left: the unassigned list's guides and the directory's quit or deleted members. */
async function departedOwners(known: Iterable<string>): Promise<string[]> {
  const quit = await Employee.find({ $or: [{ deleted: true }, { wecomStatus: 5 }] }, { userId: 1 }).lean();
  return [...new Set([...known, ...quit.map((employee) => employee.userId)])].sort();
}

/**
 * The customer groups WeCom holds for departed owners (离职待继承), by owner. groupchat/list
 * names the groups but not their owners, so the owner comes from the groups we keep, and a group
 * we have never seen is read once (which also lets the group transfer find it). A group WeCom
 * will not describe is left out rather than stopping the sync; an unreachable WeCom stops it.
 *
 * @param props the client, the guides the unassigned list named, and the clock.
 * @returns each departed owner's pending groups, sorted.
 */
export default async function resignedGroups({ wecom, knownDeparted, now }: { wecom: WeComClient; knownDeparted: Iterable<string>; now: Date }): Promise<Map<string, string[]>> {
  let chatIds: string[];
  try {
    chatIds = await pendingChatIds(wecom, null);
  } catch (error) {
    if (!(error instanceof WeComApiError && error.errcode === OWNER_FILTER_REQUIRED)) {
      throw error;
    }
    const owners = await departedOwners(knownDeparted);
    chatIds = [];
    for (let start = 0; start < owners.length; start += OWNER_FILTER_MAX) {
      chatIds.push(...(await pendingChatIds(wecom, owners.slice(start, start + OWNER_FILTER_MAX))));
    }
  }
  const unique = [...new Set(chatIds)];
  const ownerOf = new Map((await Group.find({ chatId: { $in: unique }, status: "active" }, { chatId: 1, ownerId: 1 }).lean()).map((group) => [group.chatId, group.ownerId]));
  const byOwner = new Map<string, string[]>();
  for (const chatId of unique) {
    let owner = ownerOf.get(chatId);
    if (owner === undefined) {
      try {
        owner = (await groupSyncer({ wecom, chatId, now })).ownerId;
      } catch (error) {
        if (!(error instanceof WeComApiError)) {
          throw error;
        }
        getLogger("wecom").warn({ chatId, errcode: error.errcode }, "resigned group not readable, left out of 离职继承");
        continue;
      }
    }
    if (!owner) {
      continue;
    }
    byOwner.set(owner, [...(byOwner.get(owner) ?? []), chatId]);
  }
  for (const list of byOwner.values()) {
    list.sort();
  }
  return byOwner;
}
