// What the tag page says after creating a group or adding tags: what WeCom did, not what was
// asked (a taken group name merges; a tag the group has is answered, not added).
import type { PresentedTagCreation } from "@server/presenters/tag";

const quoted = (names: string[]) => names.map((name) => `「${name}」`).join("");

/**
 * @param creation the server's answer.
 * @param asked whether a new group or tags in a group were asked for.
 * @returns the sentence, and whether anything new exists (a warning otherwise).
 */
export function tagCreationText(creation: PresentedTagCreation, asked: "group" | "tags"): { text: string; anythingNew: boolean } {
  const parts: string[] = [];
  if (asked === "group" && !creation.merged) {
    parts.push(`标签组「${creation.groupName}」已创建，含 ${creation.created.length} 个标签`);
  } else {
    if (creation.merged) {
      parts.push(`已有同名标签组，已合并到已有标签组「${creation.groupName}」`);
    }
    if (creation.created.length > 0) {
      parts.push(`已添加 ${creation.created.length} 个标签`);
    }
  }
  if (creation.existing.length > 0) {
    parts.push(`标签${quoted(creation.existing)}已存在，未重复添加`);
  }
  return { text: parts.join("；"), anythingNew: creation.created.length > 0 || (asked === "group" && !creation.merged) };
}
