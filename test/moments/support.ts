// What the moment tests start from: a brand with two stores under a region, guides in each, a
// corp tag, and an image in the media library.
import { saveMediaFile } from "../../server/commands/mediaLibrary.ts";
import { Department } from "../../server/models/Department.ts";
import { TagGroup } from "../../server/models/TagGroup.ts";
import { anEmployee } from "../support/factories.ts";

/** A 1×1 PNG. */
export const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");

/**
 * Region 10 (华东) holds stores 101 (南京西路店: 小王, 小李) and 102 (淮海路店: 小张).
 *
 * @returns the library image's id.
 */
export async function seedMomentWorld(): Promise<{ imageId: string }> {
  await Department.create([
    { departmentId: 1, name: "品牌", parentId: 0 },
    { departmentId: 10, name: "华东区", parentId: 1 },
    { departmentId: 101, name: "南京西路店", parentId: 10 },
    { departmentId: 102, name: "淮海路店", parentId: 10 },
  ]);
  await anEmployee("wang", { name: "小王", departmentIds: [101] });
  await anEmployee("li", { name: "小李", departmentIds: [101] });
  await anEmployee("zhang", { name: "小张", departmentIds: [102] });
  await TagGroup.create({ groupId: "grp1", name: "会员等级", tags: [{ id: "tagGold", name: "金卡" }] });
  const image = await saveMediaFile({ name: "新品.png", mime: "image/png", data: PNG, createdBy: "ops" });
  return { imageId: image.id };
}

/**
 * A moment's body as the console sends it.
 *
 * @param overrides fields to change.
 * @returns the body.
 */
export function momentBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    text: "天气转凉，记得添衣。门店为会员准备了热饮，路过进来坐坐。",
    kind: "care",
    publishers: { departmentIds: [101], userIds: ["zhang"] },
    visibleTagIds: ["tagGold"],
    syncDays: 3,
    ...overrides,
  };
}
