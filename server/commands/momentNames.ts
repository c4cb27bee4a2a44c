import { Department } from "../models/Department.ts";
import { Employee } from "../models/Employee.ts";
import type { MomentAttrs } from "../models/Moment.ts";
import { TagGroup } from "../models/TagGroup.ts";
import { mediaFilesByIds } from "./mediaLibrary.ts";

type MediaFiles = Awaited<ReturnType<typeof mediaFilesByIds>>;

/** Names for the ids moments hold, and their media files (the presenter's MomentNames). */
export interface MomentNameMaps {
  departments: Map<number, string>;
  guides: Map<string, string>;
  tags: Map<string, string>;
  files: Map<string, MediaFiles[number]>;
}

/**
 * Names for every id a page of moments holds, in four queries whatever the page size.
 *
 * @param moments the moments shown.
 * @returns departments, guides, tags and media files by id.
 */
export async function momentNames(moments: Pick<MomentAttrs, "publishers" | "visibleTagIds" | "invalidUserIds" | "invalidTagIds" | "attachment">[]): Promise<MomentNameMaps> {
  const departmentIds = [...new Set(moments.flatMap((moment) => moment.publishers.departmentIds))];
  const userIds = [...new Set(moments.flatMap((moment) => [...moment.publishers.userIds, ...moment.invalidUserIds]))];
  const tagIds = [...new Set(moments.flatMap((moment) => [...moment.visibleTagIds, ...moment.invalidTagIds]))];
  const fileIds = [...new Set(moments.flatMap((moment) => [...moment.attachment.fileIds, ...(moment.attachment.link?.coverFileId ? [moment.attachment.link.coverFileId] : [])]))];
  const [departments, employees, groups, files] = await Promise.all([
    Department.find({ departmentId: { $in: departmentIds } }, { departmentId: 1, name: 1 }).lean(),
    Employee.find({ userId: { $in: userIds } }, { userId: 1, name: 1 }).lean(),
    TagGroup.find({ "tags.id": { $in: tagIds } }, { tags: 1 }).lean(),
    fileIds.length > 0 ? mediaFilesByIds(fileIds) : Promise.resolve([]),
  ]);
  const wanted = new Set(tagIds);
  return {
    departments: new Map(departments.map((department) => [department.departmentId, department.name])),
    guides: new Map(employees.map((employee) => [employee.userId, employee.name || employee.userId])),
    tags: new Map(groups.flatMap((group) => group.tags.filter((tag) => wanted.has(tag.id) && !tag.deleted).map((tag) => [tag.id, tag.name] as [string, string]))),
    files: new Map(files.map((file) => [file.id, file])),
  };
}

