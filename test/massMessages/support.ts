import { Follow } from "../../server/models/Follow.ts";
import { MassMessage } from "../../server/models/MassMessage.ts";
import { Member } from "../../server/models/Member.ts";

let seq = 0;

/**
 * Members with the fields the planner reads, written directly.
 *
 * @param rows each member's customer ids and guides (and tags).
 */
export async function someMembers(rows: { externalUserIds: string[]; guideUserIds: string[]; tagIds?: string[]; homeStoreId?: string }[]): Promise<void> {
  await Member.collection.insertMany(rows.map((row) => ({ memberNo: `M${++seq}`, levelCode: "normal", tagIds: row.tagIds ?? ["tag-vip"], mergedInto: null, homeStoreId: row.homeStoreId ?? null, externalUserIds: row.externalUserIds, guideUserIds: row.guideUserIds })));
}

/**
 * A follow with given times (the guide rule reads addedAt and updatedAt).
 */
export async function aFollow(externalUserId: string, userId: string, addedAt: Date, updatedAt: Date): Promise<void> {
  await Follow.collection.insertOne({ externalUserId, userId, status: "active", addedAt, updatedAt, createdAt: addedAt, tagIds: [] } as never);
}

/**
 * A scheduled mass message to customers tagged tag-vip.
 *
 * @returns its id.
 */
export async function aScheduledMass(fields: Record<string, unknown> = {}): Promise<string> {
  const created = await MassMessage.create({ name: "双十二会员专享", text: "亲，双十二会员价已开启", audience: { kind: "tags", tagIds: ["tag-vip"] }, status: "scheduled", ...fields });
  return String(created._id);
}
