import { isDuplicateKeyError } from "../db/duplicates.ts";
import { Employee } from "../models/Employee.ts";
import { Follow, type FollowAttrs } from "../models/Follow.ts";
import { Group } from "../models/Group.ts";
import { Member } from "../models/Member.ts";

interface Props {
  /** The userid WeCom renamed (UserID). */
  from: string;
  /** Its new userid (NewUserID). */
  to: string;
}

type StoredFollow = FollowAttrs & { _id: unknown };

/**
 * Move everything we key by an employee's userid to the userid WeCom renamed it to: the
 * employee, their follows, the groups they own, administer or are in, and the members they
 * serve. Every step reads what is there and writes only what is still missing, so the rename
 * can run again at any point (a processor that died after some writes, a lane taken over) and
 * ends in the same state; records that already exist under the new userid (written by a
 * customer's or the directory's re-read after the rename reached WeCom) are merged, not
 * duplicated.
 *
 * @param props the old and the new userid.
 * @returns nothing.
 */
export default async function userIdRenamer({ from, to }: Props): Promise<void> {
  // Not a key lookup on the embedded database: a rename is rare, and each follow is then
  // written by its key.
  const follows = (await Follow.find({ userId: from }).lean()) as StoredFollow[];
  for (const follow of follows) {
    await moveFollow(follow, to);
  }
  await Group.updateMany({ ownerId: from }, { $set: { ownerId: to } });
  await Group.updateMany({ adminIds: from }, { $addToSet: { adminIds: to } });
  await Group.updateMany({ adminIds: from }, { $pull: { adminIds: from } });
  await moveGroupMemberships(from, to);
  // The sidebar and segments read a member's guides here (server/security/authorization.ts).
  await Member.updateMany({ guideUserIds: from }, { $addToSet: { guideUserIds: to } });
  await Member.updateMany({ guideUserIds: from }, { $pull: { guideUserIds: from } });
  await moveEmployee(from, to);
}

async function moveFollow(follow: StoredFollow, to: string): Promise<void> {
  try {
    await Follow.updateOne({ _id: follow._id }, { $set: { userId: to } });
    return;
  } catch (error) {
    if (!isDuplicateKeyError(error)) {
      throw error;
    }
  }
  const current = (await Follow.findOne({ externalUserId: follow.externalUserId, userId: to }).lean()) as StoredFollow | null;
  if (!current) {
    // Gone since the write collided: nothing to merge with, so the rename itself is retried.
    throw new Error(`follow of ${follow.externalUserId}: the follow under the new userid vanished while merging`);
  }
  await Follow.updateOne({ _id: current._id }, { $set: mergedFollow(follow, current) });
  // Last, so a run that stops before it finds both follows again and merges them the same way.
  await Follow.deleteOne({ _id: follow._id });
}

/**
 * The follow under the new userid was written after the rename, so it is the fresher where it
 * knows anything: what WeCom's read sets (remark, tags, channel state, when the customer was
 * added) comes from it once it was read from WeCom (addedAt is set only by that read), and its
 * status once an event or a read told it one. What it never learnt, the old follow fills in.
 */
function mergedFollow(old: StoredFollow, current: StoredFollow): Partial<FollowAttrs> {
  const read = current.addedAt ? current : old;
  const status = current.statusChangedAt || current.addedAt ? current : old;
  return {
    remark: read.remark,
    description: read.description,
    state: read.state,
    addWay: read.addWay,
    operUserId: read.operUserId,
    tagIds: read.tagIds,
    addedAt: read.addedAt,
    status: status.status,
    statusChangedAt: status.statusChangedAt,
    deletedByTransfer: status.deletedByTransfer,
    transferFailure: current.transferFailure ?? old.transferFailure ?? null,
  };
}

async function moveGroupMemberships(from: string, to: string): Promise<void> {
  const groups = await Group.find({ members: { $elemMatch: { id: from, type: "employee" } } }, { "members.id": 1 }).lean<
    { _id: unknown; members: { id: string }[] }[]
  >();
  for (const group of groups) {
    const already = group.members.some((member) => member.id === to);
    // Updates in place: group events may write the same group meanwhile, so no read-modify-write.
    await Group.updateOne(
      { _id: group._id },
      already ? { $pull: { members: { id: from, type: "employee" } } } : { $set: { "members.$[member].id": to } },
      already ? {} : { arrayFilters: [{ "member.id": from, "member.type": "employee" }] },
    );
  }
}

/**
 * The employee keeps their record. If one exists under the new userid too (a directory re-read
 * or a login after the rename), its directory fields are the fresher and stay; the role and
 * stores an admin gave the old record carry over unless the new one was given its own.
 */
async function moveEmployee(from: string, to: string): Promise<void> {
  const old = await Employee.findOne({ userId: from }).lean();
  if (!old) {
    return;
  }
  const current = await Employee.findOne({ userId: to }).lean();
  if (!current) {
    // A record created under the new userid meanwhile makes this fail; the retry merges.
    await Employee.updateOne({ _id: old._id }, { $set: { userId: to } });
    return;
  }
  if (current.role === "guide" && current.scopeStoreIds.length === 0) {
    await Employee.updateOne({ _id: current._id }, { $set: { role: old.role, scopeStoreIds: old.scopeStoreIds } });
  }
  await Employee.deleteOne({ _id: old._id });
}
