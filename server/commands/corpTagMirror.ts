import { TagGroup } from "../models/TagGroup.ts";
import type { WeComClient } from "../wecom/client.ts";

interface WeComTag {
  id: string;
  name: string;
  create_time?: number;
  order?: number;
  deleted?: boolean;
}

interface WeComTagGroup {
  group_id: string;
  group_name: string;
  create_time?: number;
  order?: number;
  deleted?: boolean;
  tag?: WeComTag[];
}

interface Props {
  wecom: WeComClient;
  now: Date;
}

const toDate = (seconds?: number) => (seconds ? new Date(seconds * 1000) : null);

/**
 * Mirror the corp tag list. Tag events carry no names (wecom-reference §2.3), so every tag
 * event re-reads the whole list; groups WeCom no longer returns are marked deleted, not removed,
 * because follows and rules may still point at their tags.
 *
 * @param props client and clock.
 * @returns how many tag groups WeCom returned.
 */
export default async function corpTagMirror({ wecom, now }: Props): Promise<number> {
  const { tag_group: groups = [] } = await wecom.post<{ tag_group?: WeComTagGroup[] }>(
    "/cgi-bin/externalcontact/get_corp_tag_list",
    {},
  );
  if (groups.length > 0) {
    await TagGroup.bulkWrite(
      groups.map((group) => ({
        updateOne: {
          filter: { groupId: group.group_id },
          update: {
            $set: {
              name: group.group_name,
              order: group.order ?? 0,
              createdAtWeCom: toDate(group.create_time),
              deleted: group.deleted === true,
              tags: (group.tag ?? []).map((tag) => ({
                id: tag.id,
                name: tag.name,
                order: tag.order ?? 0,
                createdAtWeCom: toDate(tag.create_time),
                deleted: tag.deleted === true,
              })),
              syncedAt: now,
            },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }
  const gone = await TagGroup.find({ groupId: { $nin: groups.map((group) => group.group_id) }, deleted: false });
  for (const group of gone) {
    group.deleted = true;
    group.tags.forEach((tag) => {
      tag.deleted = true;
    });
    group.syncedAt = now;
    await group.save();
  }
  return groups.length;
}
