import { UnassignedCustomer } from "../models/UnassignedCustomer.ts";
import type { WeComClient } from "../wecom/client.ts";
import { guidePlaces } from "./campaignCompletion.ts";

interface UnassignedPage {
  info?: { handover_userid: string; external_userid: string; dimission_time?: number }[];
  is_last?: boolean;
  next_cursor?: string;
}

/** WeCom's largest page (wecom-reference §4.11). */
const PAGE_SIZE = 1000;

/**
 * Mirror WeCom's list of departed guides' customers not yet given to anyone. Each row is written
 * by its key, so a second run (or two processes at once) writes the same rows; rows WeCom no
 * longer lists are removed only after the whole list was read, so a sync cut short by an error
 * removes nothing.
 *
 * @param props the WeCom client and the clock.
 * @returns how many rows WeCom listed and how many were removed.
 */
export default async function unassignedSync({ wecom, now }: { wecom: WeComClient; now: Date }): Promise<{ listed: number; removed: number }> {
  let cursor = "";
  let listed = 0;
  for (;;) {
    const page = await wecom.post<UnassignedPage>("/cgi-bin/externalcontact/get_unassigned_list", { cursor, page_size: PAGE_SIZE }, { priority: "bulk" });
    const rows = page.info ?? [];
    const places = await guidePlaces([...new Set(rows.map((row) => row.handover_userid))]);
    if (rows.length > 0) {
      await UnassignedCustomer.bulkWrite(
        rows.map((row) => ({
          updateOne: {
            filter: { _id: `${row.handover_userid}:${row.external_userid}` },
            update: {
              $set: {
                handoverUserId: row.handover_userid,
                externalUserId: row.external_userid,
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
    if (page.is_last !== false || !cursor) {
      break;
    }
  }
  const { deletedCount } = await UnassignedCustomer.deleteMany({ syncedAt: { $lt: now } });
  return { listed, removed: deletedCount };
}
