import { ConflictError, NotFoundError } from "../errors.ts";
import { TagGroup } from "../models/TagGroup.ts";
import type { WeComClient } from "../wecom/client.ts";

interface WeComTagGroup {
  group_id: string;
  group_name: string;
  create_time?: number;
  order?: number;
  tag?: { id: string; name: string; create_time?: number; order?: number }[];
}

const toDate = (seconds?: number) => (seconds ? new Date(seconds * 1000) : null);

/** What an add_corp_tag call did, as told to the person who asked. */
export interface TagCreation {
  groupId: string;
  groupName: string;
  /** A new group was asked for by a name an existing group has: WeCom put the tags in that group. */
  merged: boolean;
  /** Names of the tags WeCom created. */
  created: string[];
  /** Names already in the group: WeCom answers them and creates nothing. */
  existing: string[];
}

/**
 * Create tags in WeCom (in a new group by name, or in an existing group) and mirror WeCom's
 * answer. Changes made through the API fire no callback (wecom-reference §1.1), so the mirror is
 * written here, from what WeCom returned.
 *
 * WeCom puts tags for a group name that exists into that group, and answers a tag name the group
 * already has with the existing tag, both without an error; the mirror, read before the call,
 * tells those apart from real creations so the console can say what happened.
 *
 * @param props the client, the group (id or new name) and the tag names.
 * @returns the group and what was created, merged or already there.
 */
export async function corpTagCreator(props: {
  wecom: WeComClient;
  groupId?: string;
  groupName?: string;
  tags: { name: string; order?: number }[];
  now: Date;
}): Promise<TagCreation> {
  const body = props.groupId
    ? { group_id: props.groupId, tag: props.tags }
    : { group_name: props.groupName, tag: props.tags };
  const { tag_group: group } = await props.wecom.post<{ tag_group: WeComTagGroup }>("/cgi-bin/externalcontact/add_corp_tag", body);
  const created = (group.tag ?? []).map((tag) => ({
    id: tag.id,
    name: tag.name,
    order: tag.order ?? 0,
    createdAtWeCom: toDate(tag.create_time),
    deleted: false,
  }));
  const existing = await TagGroup.findOne({ groupId: group.group_id }).lean();
  const before = new Set((existing?.tags ?? []).filter((tag) => !tag.deleted).map((tag) => tag.id));
  const kept = (existing?.tags ?? []).filter((tag) => !created.some((fresh) => fresh.id === tag.id));
  await TagGroup.updateOne(
    { groupId: group.group_id },
    {
      $set: {
        name: group.group_name,
        order: group.order ?? existing?.order ?? 0,
        createdAtWeCom: toDate(group.create_time) ?? existing?.createdAtWeCom ?? null,
        deleted: false,
        tags: [...kept, ...created],
        syncedAt: props.now,
      },
    },
    { upsert: true },
  );
  return {
    groupId: group.group_id,
    groupName: group.group_name,
    merged: !props.groupId && existing !== null && !existing.deleted,
    created: created.filter((tag) => !before.has(tag.id)).map((tag) => tag.name),
    existing: created.filter((tag) => before.has(tag.id)).map((tag) => tag.name),
  };
}

/**
 * Rename or reorder a tag or a tag group in WeCom, then in the mirror.
 *
 * @param props the client, the tag or group id, the new name and/or order.
 * @returns nothing.
 */
export async function corpTagEditor(props: { wecom: WeComClient; id: string; name?: string; order?: number; now: Date }): Promise<void> {
  const group = await TagGroup.findOne({ $or: [{ groupId: props.id }, { "tags.id": props.id }] }).lean();
  if (!group) {
    throw NotFoundError("tag");
  }
  await props.wecom.post("/cgi-bin/externalcontact/edit_corp_tag", { id: props.id, name: props.name, order: props.order });
  if (group.groupId === props.id) {
    await TagGroup.updateOne(
      { groupId: props.id },
      { $set: { ...(props.name ? { name: props.name } : {}), ...(props.order !== undefined ? { order: props.order } : {}), syncedAt: props.now } },
    );
    return;
  }
  const tags = group.tags.map((tag) =>
    tag.id === props.id ? { ...tag, name: props.name ?? tag.name, order: props.order ?? tag.order } : tag,
  );
  await TagGroup.updateOne({ groupId: group.groupId }, { $set: { tags, syncedAt: props.now } });
}

/**
 * Delete tags and/or whole groups in WeCom, then mark them deleted in the mirror (follows and
 * rules may still name them).
 *
 * @param props the client and the ids.
 * @returns nothing.
 */
export async function corpTagDeleter(props: { wecom: WeComClient; tagIds: string[]; groupIds: string[]; now: Date }): Promise<void> {
  if (props.tagIds.length === 0 && props.groupIds.length === 0) {
    throw ConflictError("tagIds: 没有要删除的标签");
  }
  await props.wecom.post("/cgi-bin/externalcontact/del_corp_tag", { tag_id: props.tagIds, group_id: props.groupIds });
  const groups = await TagGroup.find({ $or: [{ groupId: { $in: props.groupIds } }, { "tags.id": { $in: props.tagIds } }] }).lean();
  for (const group of groups) {
    const wholeGroup = props.groupIds.includes(group.groupId);
    const tags = group.tags.map((tag) => (wholeGroup || props.tagIds.includes(tag.id) ? { ...tag, deleted: true } : tag));
    // WeCom deletes a group once no tag is left in it (wecom-reference §4.3).
    const empty = tags.every((tag) => tag.deleted);
    await TagGroup.updateOne({ groupId: group.groupId }, { $set: { tags, deleted: wholeGroup || empty, syncedAt: props.now } });
  }
}
