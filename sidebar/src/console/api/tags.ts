// Corp tags (edited in WeCom through the server) and auto-tag rules.
import type { PresentedDeletion } from "@server/presenters/deletion";
import type { PresentedTagCreation, PresentedTagGroup } from "@server/presenters/tag";
import type { PresentedTagRule } from "@server/presenters/tagRule";
import { api } from "@shared/api";
import { consoleUrl, segment } from "./base";

/** The body of `POST /tag-rules` and `PUT /tag-rules/:id`. */
export type TagRuleBody = Omit<PresentedTagRule, "id">;

/** Corp tag groups and their tags. */
export const fetchTagGroups = () => api.get<PresentedTagGroup[]>(consoleUrl("/tag-groups"));

/** Create a tag group with its first tags (a taken name merges into that group: see `merged`). */
export const createTagGroup = (groupName: string, tags: string[]) => api.post<PresentedTagCreation>(consoleUrl("/tag-groups"), { groupName, tags: tags.map((name) => ({ name })) });

/** Add tags to a group (names it has already come back in `existing`). */
export const addTags = (groupId: string, tags: string[]) => api.post<PresentedTagCreation>(consoleUrl(`/tag-groups/${segment(groupId)}/tags`), { tags: tags.map((name) => ({ name })) });

/** Rename a tag or a tag group. */
export const renameTag = (id: string, name: string) => api.patch<{ id: string }>(consoleUrl(`/tags/${segment(id)}`), { name });

/** Delete tags and/or whole groups. */
export const deleteTags = (body: { tagIds?: string[]; groupIds?: string[] }) => api.post<{ deleted: number }>(consoleUrl("/tags/delete"), { tagIds: body.tagIds ?? [], groupIds: body.groupIds ?? [] });

/** Auto-tag rules. */
export const fetchTagRules = () => api.get<PresentedTagRule[]>(consoleUrl("/tag-rules"));

/** Create an auto-tag rule. */
export const createTagRule = (body: TagRuleBody) => api.post<PresentedTagRule>(consoleUrl("/tag-rules"), body);

/** Replace an auto-tag rule. */
export const updateTagRule = (id: string, body: TagRuleBody) => api.put<PresentedTagRule>(consoleUrl(`/tag-rules/${segment(id)}`), body);

/** Delete an auto-tag rule. */
export const deleteTagRule = (id: string) => api.delete<PresentedDeletion>(consoleUrl(`/tag-rules/${segment(id)}`));
