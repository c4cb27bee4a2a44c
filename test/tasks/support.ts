// The world the task engine's tests work in: 静安店 (101) and 徐汇店 (102) in 华东区 (10), members
// followed by their guides, written as the membership core and the callbacks would leave them.
import { Types } from "mongoose";
import { BenefitClaim } from "../../server/models/BenefitClaim.ts";
import { Customer } from "../../server/models/Customer.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Member } from "../../server/models/Member.ts";
import { MemberIdentity } from "../../server/models/MemberIdentity.ts";
import { aRegionWithStores } from "../campaigns/directory.ts";

export const DAY = 86_400_000;

/** The guides: ga1, ga2 in 静安店, gb1 in 徐汇店. */
export const seedGuides = () =>
  aRegionWithStores([
    ["ga1", "王导购", 101],
    ["ga2", "李导购", 101],
    ["gb1", "陈导购", 102],
  ]);

/**
 * A member with one customer followed by some guides (the latest `contactAt` is the last contact).
 *
 * @param props the customer, the guides with their follows' last touch, and member fields.
 * @returns the member's id.
 */
export async function aFollowedMember(props: {
  externalUserId: string;
  name: string;
  guides: { userId: string; contactAt: Date }[];
  birthday?: string;
  levelCode?: string;
  growth?: number;
  purchaseTimes?: Date[];
}): Promise<string> {
  await Customer.create({ externalUserId: props.externalUserId, name: props.name });
  // Inserted through the driver so the follows keep the given times (mongoose would stamp now).
  if (props.guides.length > 0) {
    await Follow.collection.insertMany(
    props.guides.map((guide) => ({ externalUserId: props.externalUserId, userId: guide.userId, status: "active", tagIds: [], addedAt: guide.contactAt, createdAt: guide.contactAt, updatedAt: guide.contactAt })),
    );
  }
  const times = props.purchaseTimes ?? [];
  const member = await Member.create({
    _id: new Types.ObjectId(),
    memberNo: `M${props.externalUserId}`,
    name: props.name,
    externalUserIds: [props.externalUserId],
    guideUserIds: props.guides.map((guide) => guide.userId),
    birthday: props.birthday ?? null,
    levelCode: props.levelCode ?? "silver",
    growth: props.growth ?? 4620,
    metrics: { orderCount: times.length, totalSpent: times.length * 10_000, lastPurchaseAt: times.at(-1) ?? null, purchaseTimes: times },
  });
  await MemberIdentity.create({ _id: `customer:${props.externalUserId}`, kind: "customer", memberId: member._id, via: "wecom", at: new Date("2026-01-01T00:00:00Z") });
  return String(member._id);
}

/** A time on a China day. */
export const china = (day: string, time = "12:00") => new Date(`${day}T${time}:00+08:00`);

/**
 * 小美 (ga1's): birthday on 3月12日 and a coupon (CPN1) expiring 3月11日; 小林 (ga1's, and gb1's
 * since a later contact): last bought on 2025-12-10, silent from 2026-03-10.
 *
 * @returns the two members' ids.
 */
export async function seedMeiAndLin(): Promise<{ mei: string; lin: string }> {
  await seedGuides();
  const mei = await aFollowedMember({ externalUserId: "wm_mei", name: "小美", guides: [{ userId: "ga1", contactAt: china("2026-01-01") }], birthday: "1990-03-12" });
  const lin = await aFollowedMember({
    externalUserId: "wm_lin",
    name: "小林",
    guides: [
      { userId: "ga1", contactAt: china("2026-01-01") },
      { userId: "gb1", contactAt: china("2026-03-01") },
    ],
    purchaseTimes: [china("2025-12-10")],
  });
  await BenefitClaim.create({ _id: "CPN1", slot: "s1", benefitCode: "silver_coupon", memberId: mei, levelCode: "silver", claimedAt: china("2026-02-10"), redeemBy: china("2026-03-11", "23:59") });
  return { mei, lin };
}
