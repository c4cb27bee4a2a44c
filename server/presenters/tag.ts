import type { TagGroupAttrs } from "../models/TagGroup.ts";

/** A corp tag with its group's name, as a customer carries it. */
export interface NamedTag {
  id: string;
  name: string;
  groupId: string;
  groupName: string;
}

export interface PresentedTagGroup {
  groupId: string;
  name: string;
  order: number;
  tags: { id: string; name: string; order: number }[];
}

/** The answer to creating a tag group or adding tags: what WeCom really did. */
export interface PresentedTagCreation {
  groupId: string;
  groupName: string;
  /** The group name existed, so the tags went into that group instead of a new one. */
  merged: boolean;
  /** Tags created now. */
  created: string[];
  /** Tags the group already had (nothing added for them). */
  existing: string[];
}

/**
 * @param creation what corpTagCreator found (commands/corpTagEditor.ts TagCreation).
 * @returns the public shape.
 */
export function presentTagCreation(creation: PresentedTagCreation): PresentedTagCreation {
  return { groupId: creation.groupId, groupName: creation.groupName, merged: creation.merged, created: [...creation.created], existing: [...creation.existing] };
}

/** The sidebar's picker: group names under `groupName`, no ordering numbers (docs/sidebar-api.md). */
export interface SidebarTagGroup {
  groupId: string;
  groupName: string;
  tags: { id: string; name: string }[];
}

const live = <T extends { deleted?: boolean | null }>(items: T[]) => items.filter((item) => !item.deleted);

/**
 * A corp tag group for the console's tag page (deleted tags left out).
 *
 * @param group the stored group, mirrored from WeCom.
 * @returns the public shape.
 */
export function presentTagGroup(group: TagGroupAttrs): PresentedTagGroup {
  return { groupId: group.groupId, name: group.name, order: group.order, tags: live(group.tags).map((tag) => ({ id: tag.id, name: tag.name, order: tag.order })) };
}

/**
 * A corp tag group for the sidebar's tag picker (deleted tags left out).
 *
 * @param group the stored group.
 * @returns the public shape.
 */
export function presentSidebarTagGroup(group: TagGroupAttrs): SidebarTagGroup {
  return { groupId: group.groupId, groupName: group.name, tags: live(group.tags).map((tag) => ({ id: tag.id, name: tag.name })) };
}

/**
 * @param tagGroups every corp tag group.
 * @returns tag id → the tag with its group's name (deleted groups and tags left out).
 */
export function tagIndex(tagGroups: TagGroupAttrs[]): Map<string, NamedTag> {
  const index = new Map<string, NamedTag>();
  for (const group of live(tagGroups)) {
    for (const tag of live(group.tags)) {
      index.set(tag.id, { id: tag.id, name: tag.name, groupId: group.groupId, groupName: group.name });
    }
  }
  return index;
}

/**
 * What a follow carries after a tag edit: the ids, and those tags named.
 *
 * @param tagIds the follow's tag ids now.
 * @param index from {@link tagIndex}.
 * @returns the public shape.
 */
export function presentFollowTags(tagIds: string[], index: ReadonlyMap<string, NamedTag>): { tagIds: string[]; tags: NamedTag[] } {
  return { tagIds: [...tagIds], tags: tagIds.flatMap((id) => index.get(id) ?? []) };
}
