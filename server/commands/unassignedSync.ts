import { Customer } from "../models/Customer.ts";
import { DepartedGuide } from "../models/DepartedGuide.ts";
import { UnassignedCustomer } from "../models/UnassignedCustomer.ts";
import type { WeComClient } from "../wecom/client.ts";
import { guidePlaces } from "./campaignCompletion.ts";
import resignedGroups from "./resignedGroups.ts";

interface UnassignedPage {
  info?: { handover_userid: string; external_userid: string; dimission_time?: number }[];
  is_last?: boolean;
  next_cursor?: string;
}

/** WeCom's largest page (wecom-reference §4.11). */
const PAGE_SIZE = 1000;

interface Departed {
  storeId: string | null;
  customers: number;
  dimissionTime: Date | null;
}

/**
 * Mirror WeCom's list of departed guides' customers not yet given to anyone, and their customer
 * groups waiting for a new owner (a guide may leave only groups behind). Each row is written
 * by its key, so a second run (or two processes at once) writes the same rows; rows WeCom no
 * longer lists are removed only after both lists were read whole, so a sync cut short by an
 * error removes nothing. Each departed guide's counts and groups are rewritten from the lists.
 *
 * @param props the WeCom client and the clock.
 * @returns how many customers and groups WeCom listed, how many customers were removed, and how many guides left something.
 */
export default async function unassignedSync({ wecom, now }: { wecom: WeComClient; now: Date }): Promise<{ listed: number; groups: number; removed: number; guides: number }> {
  let cursor = "";
  let listed = 0;
  const departed = new Map<string, Departed>();
  for (;;) {
    const page = await wecom.post<UnassignedPage>("/cgi-bin/externalcontact/get_unassigned_list", { cursor, page_size: PAGE_SIZE }, { priority: "bulk" });
    const rows = page.info ?? [];
    const places = await guidePlaces([...new Set(rows.map((row) => row.handover_userid))]);
    const names = new Map((await Customer.find({ externalUserId: { $in: rows.map((row) => row.external_userid) } }, { externalUserId: 1, name: 1 }).lean()).map((customer) => [customer.externalUserId, customer.name]));
    for (const row of rows) {
      const dimissionTime = row.dimission_time ? new Date(row.dimission_time * 1000) : null;
      const guide = departed.get(row.handover_userid) ?? { storeId: places.get(row.handover_userid)?.storeId ?? null, customers: 0, dimissionTime };
      guide.customers += 1;
      departed.set(row.handover_userid, guide);
    }
    if (rows.length > 0) {
      await UnassignedCustomer.bulkWrite(
        rows.map((row) => ({
          updateOne: {
            filter: { _id: `${row.handover_userid}:${row.external_userid}` },
            update: {
              $set: {
                handoverUserId: row.handover_userid,
                externalUserId: row.external_userid,
                customerName: names.get(row.external_userid) ?? "",
                dimissionTime: row.dimission_time ? new Date(row.dimission_time * 1000) : null,
                storeId: places.get(row.handover_userid)?.storeId ?? null,
                syncedAt: now,
              },
            },
            upsert: true,
          },
        })),
        { ordered: false },
      );
    }
    listed += rows.length;
    cursor = page.next_cursor ?? "";
    // Either marker ends the list; trusting is_last alone would drop the later pages' rows below.
    if (page.is_last === true || !cursor) {
      break;
    }
  }
  const groupsOf = await resignedGroups({ wecom, knownDeparted: departed.keys(), now });
  // A guide who left only groups is placed as the customers' guides are, so a manager's scope is the same.
  const groupsOnly = [...groupsOf.keys()].filter((userId) => !departed.has(userId));
  const places = await guidePlaces(groupsOnly);
  for (const userId of groupsOnly) {
    departed.set(userId, { storeId: places.get(userId)?.storeId ?? null, customers: 0, dimissionTime: null });
  }
  let groups = 0;
  for (const [userId, guide] of departed) {
    const groupChatIds = groupsOf.get(userId) ?? [];
    groups += groupChatIds.length;
    await DepartedGuide.updateOne({ _id: userId }, { $set: { ...guide, groups: groupChatIds.length, groupChatIds, syncedAt: now } }, { upsert: true });
  }
  const { deletedCount } = await UnassignedCustomer.deleteMany({ syncedAt: { $lt: now } });
  await DepartedGuide.deleteMany({ syncedAt: { $lt: now } });
  return { listed, groups, removed: deletedCount, guides: departed.size };
}
