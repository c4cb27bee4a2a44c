import { z } from "zod";
import { SandboxFollow, SandboxTagGroup, sandboxId, unix } from "../../models/index.ts";
import type { SandboxTagGroupAttrs } from "../../models/SandboxTagGroup.ts";
import { endpoint, ERR, wecomError, type Endpoint } from "../endpoint.ts";
import { requireFollow, tagIndex } from "./shared.ts";

// §4.3: at most 3000 corp tags.
const TAG_LIMIT = 3000;
const newTagId = () => sandboxId("et", 20);

const tagName = z.string().min(1).max(30);

/** Corp tags and mark_tag (wecom-reference §4.3). API changes fire no callback (§1.1). */
export const tagEndpoints: Endpoint[] = [
  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/get_corp_tag_list",
    token: "any",
    input: z.object({ tag_id: z.array(z.string()).optional(), group_id: z.array(z.string()).optional() }),
    async handle({ tag_id: tagIds = [], group_id: groupIds = [] }) {
      const groups = await SandboxTagGroup.find({}).lean();
      groups.sort(byOrder);
      // With both filters WeCom ignores tag_id and filters by group_id only.
      let listed = groups.map((group) => ({ ...group, tag: [...group.tag].sort(byOrder) }));
      if (groupIds.length > 0) {
        listed = listed.filter((group) => groupIds.includes(group.group_id));
      } else if (tagIds.length > 0) {
        listed = listed
          .map((group) => ({ ...group, tag: group.tag.filter((tag) => tagIds.includes(tag.id)) }))
          .filter((group) => group.tag.length > 0);
      }
      return { tag_group: listed.map(presentGroup) };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/add_corp_tag",
    token: "any",
    input: z.object({
      group_id: z.string().optional(),
      group_name: tagName.optional(),
      order: z.number().int().min(0).optional(),
      tag: z.array(z.object({ name: tagName, order: z.number().int().min(0).optional() })).min(1),
      agentid: z.number().int().optional(),
    }),
    async handle(input, { now }) {
      const total = (await tagIndex()).size;
      if (total + input.tag.length > TAG_LIMIT) {
        throw wecomError(ERR.TAG_LIMIT, `corp tag count exceeds the limit of ${TAG_LIMIT}`);
      }
      let group: (SandboxTagGroupAttrs & { _id: string }) | null = null;
      if (input.group_id) {
        group = await SandboxTagGroup.findById(input.group_id).lean();
        if (!group) {
          throw wecomError(ERR.INVALID_TAG_ID, `invalid tag id: group ${input.group_id}`);
        }
      } else if (input.group_name) {
        // An existing group of that name gets the new tags (WeCom's documented behaviour).
        group = await SandboxTagGroup.findOne({ group_name: input.group_name }).lean();
      } else {
        throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter: group_id or group_name is required");
      }
      const created = unix(now);
      if (!group) {
        const groupId = newTagId();
        await SandboxTagGroup.create({ group_id: groupId, group_name: input.group_name, order: input.order ?? 0, create_time: created, tag: [] });
        group = await SandboxTagGroup.findById(groupId).orFail().lean();
      }
      // A tag whose name already exists in the group is answered, not duplicated.
      const answered = input.tag.map((wanted) => {
        const existing = group.tag.find((tag) => tag.name === wanted.name);
        return existing ?? { id: newTagId(), name: wanted.name, order: wanted.order ?? 0, create_time: created, deleted: false };
      });
      const added = answered.filter((tag) => !group.tag.some((existing) => existing.id === tag.id));
      if (added.length > 0) {
        await SandboxTagGroup.updateOne({ _id: group.group_id }, { $push: { tag: { $each: added } } });
      }
      return { tag_group: presentGroup({ ...group, tag: answered }) };
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/edit_corp_tag",
    token: "any",
    input: z.object({ id: z.string().min(1), name: tagName.optional(), order: z.number().int().min(0).optional(), agentid: z.number().int().optional() }),
    async handle({ id, name, order }) {
      const group = await SandboxTagGroup.findById(id).lean();
      if (group) {
        await SandboxTagGroup.updateOne({ _id: id }, { $set: { ...(name !== undefined ? { group_name: name } : {}), ...(order !== undefined ? { order } : {}) } });
        return {};
      }
      const owner = (await tagIndex()).get(id);
      if (!owner) {
        throw wecomError(ERR.INVALID_TAG_ID, `invalid tag id: ${id}`);
      }
      const doc = await SandboxTagGroup.findById(owner.group_id).orFail();
      const tag = doc.tag.find((candidate) => candidate.id === id);
      if (tag) {
        tag.name = name ?? tag.name;
        tag.order = order ?? tag.order;
        await doc.save();
      }
      return {};
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/del_corp_tag",
    token: "any",
    input: z.object({ tag_id: z.array(z.string()).optional(), group_id: z.array(z.string()).optional(), agentid: z.number().int().optional() }),
    async handle({ tag_id: tagIds = [], group_id: groupIds = [] }) {
      if (tagIds.length === 0 && groupIds.length === 0) {
        throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter: tag_id and group_id are both empty");
      }
      const tags = await tagIndex();
      const groups = await SandboxTagGroup.find({}).lean();
      for (const id of tagIds) {
        if (!tags.has(id)) {
          throw wecomError(ERR.INVALID_TAG_ID, `invalid tag id: ${id}`);
        }
      }
      for (const id of groupIds) {
        if (!groups.some((group) => group.group_id === id)) {
          throw wecomError(ERR.INVALID_TAG_ID, `invalid tag id: group ${id}`);
        }
      }
      const removedTags = new Set(tagIds);
      for (const group of groups) {
        const whole = groupIds.includes(group.group_id);
        const left = whole ? [] : group.tag.filter((tag) => !removedTags.has(tag.id));
        group.tag.filter((tag) => !left.includes(tag)).forEach((tag) => removedTags.add(tag.id));
        // A group with no tags left is deleted (§4.3).
        if (left.length === 0 && (whole || group.tag.length !== left.length)) {
          await SandboxTagGroup.deleteOne({ _id: group.group_id });
        } else if (left.length !== group.tag.length) {
          await SandboxTagGroup.updateOne({ _id: group.group_id }, { $set: { tag: left } });
        }
      }
      // Deleted tags leave every customer they were on.
      const removed = [...removedTags];
      const affected = await SandboxFollow.find({ tags: { $in: removed } }).lean();
      for (const follow of affected) {
        await SandboxFollow.updateOne({ _id: follow._id }, { $set: { tags: follow.tags.filter((id) => !removedTags.has(id)) } });
      }
      return {};
    },
  }),

  endpoint({
    method: "POST",
    path: "/cgi-bin/externalcontact/mark_tag",
    token: "any",
    input: z.object({
      userid: z.string(),
      external_userid: z.string(),
      add_tag: z.array(z.string()).optional(),
      remove_tag: z.array(z.string()).optional(),
    }),
    async handle({ userid, external_userid: externalUserId, add_tag: add = [], remove_tag: remove = [] }) {
      if (add.length === 0 && remove.length === 0) {
        throw wecomError(ERR.INVALID_PARAMETER, "invalid parameter: add_tag and remove_tag are both empty");
      }
      const follow = await requireFollow(userid, externalUserId);
      const tags = await tagIndex();
      for (const id of [...add, ...remove]) {
        if (!tags.has(id)) {
          throw wecomError(ERR.INVALID_TAG_ID, `invalid tag id: ${id}`);
        }
      }
      const next = [...new Set([...follow.tags.filter((id) => !remove.includes(id)), ...add])];
      await SandboxFollow.updateOne({ _id: follow._id }, { $set: { tags: next } });
      return {};
    },
  }),
];

// §4.3: a larger order comes first; ties by creation.
function byOrder(a: { order: number; create_time: number }, b: { order: number; create_time: number }): number {
  return b.order - a.order || a.create_time - b.create_time;
}

interface PlainTag {
  id: string;
  name: string;
  create_time: number;
  order: number;
}

function presentGroup(group: { group_id: string; group_name: string; create_time: number; order: number; tag: PlainTag[] }): Record<string, unknown> {
  return {
    group_id: group.group_id,
    group_name: group.group_name,
    create_time: group.create_time,
    order: group.order,
    deleted: false,
    tag: group.tag.map((tag) => ({ id: tag.id, name: tag.name, create_time: tag.create_time, order: tag.order, deleted: false })),
  };
}
