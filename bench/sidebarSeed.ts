// The synthetic brand bench:sidebar reads: guides, customers with follows and tags, members with
// orders, groups, notes, tag groups and benefit claims, written straight into the collections.
import mongoose from "mongoose";
import { DEFAULT_PROGRAM, levelForGrowth } from "../server/domain/program.ts";
import { BenefitClaim } from "../server/models/BenefitClaim.ts";
import { Customer } from "../server/models/Customer.ts";
import { CustomerNote } from "../server/models/CustomerNote.ts";
import { Employee } from "../server/models/Employee.ts";
import { Follow } from "../server/models/Follow.ts";
import { Group } from "../server/models/Group.ts";
import { Member } from "../server/models/Member.ts";
import { MemberIdentity } from "../server/models/MemberIdentity.ts";
import { Order } from "../server/models/Order.ts";
import { TagGroup } from "../server/models/TagGroup.ts";
import { random } from "./random.ts";

const DAY = 86_400_000;
const MEMBER_SHARE = 0.7;
const SECOND_FOLLOW_SHARE = 0.15;
const NOTE_SHARE = 0.1;
const TAG_GROUPS = ["客户等级", "肤质", "兴趣品类", "购买意向", "来源渠道", "生命周期"];
const TAGS_PER_GROUP = 8;
const CHANNELS = ["tmall", "jd", "miniprogram", "store"] as const;
const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭"];
const PRODUCTS = [
  { sku: "SK-ESS-30", name: "精华液 30ml", category: "护肤", amount: 58_000 },
  { sku: "SK-CRM-50", name: "面霜 50g", category: "护肤", amount: 42_000 },
  { sku: "SK-TON-150", name: "爽肤水 150ml", category: "护肤", amount: 19_000 },
  { sku: "MU-LIP-01", name: "口红 #01", category: "彩妆", amount: 29_000 },
  { sku: "MU-FDN-30", name: "粉底液 30ml", category: "彩妆", amount: 39_000 },
  { sku: "FR-EDP-50", name: "香水 50ml", category: "香氛", amount: 88_000 },
];

const externalUserIdOf = (index: number) => `wmBench${String(index).padStart(8, "0")}`;
export const guideOf = (index: number) => `guide_${index}`;
const tagIdOf = (group: number, tag: number) => `etBenchG${group}T${tag}`;
const storeOf = (guide: number) => 100 + (guide % 40);

/** Buffers documents per collection and writes them with insertMany in batches. */
class Loader {
  private readonly buffers = new Map<mongoose.Model<never>, Record<string, unknown>[]>();
  readonly counts = new Map<string, number>();

  constructor(private readonly batchSize: number) {}

  async add(model: mongoose.Model<never>, doc: Record<string, unknown>): Promise<void> {
    const buffer = this.buffers.get(model) ?? [];
    this.buffers.set(model, buffer);
    buffer.push(doc);
    if (buffer.length >= this.batchSize) {
      await this.flush(model);
    }
  }

  async flush(model: mongoose.Model<never>): Promise<void> {
    const buffer = this.buffers.get(model) ?? [];
    if (buffer.length > 0) {
      await model.collection.insertMany(buffer, { ordered: false });
      this.counts.set(model.collection.collectionName, (this.counts.get(model.collection.collectionName) ?? 0) + buffer.length);
      buffer.length = 0;
    }
  }

  async flushAll(): Promise<void> {
    for (const model of this.buffers.keys()) {
      await this.flush(model);
    }
  }
}

const asModel = (model: unknown) => model as mongoose.Model<never>;

/** What to seed. */
export interface SeedOptions {
  customers: number;
  guides: number;
  groups: number;
  /** Documents per insertMany. */
  batch: number;
  /** The random seed: the same seed gives the same brand. */
  seed: number;
  now: Date;
}

/**
 * Seed the brand straight into the collections (insertMany in batches, no commands).
 *
 * @param options sizes, batch, random seed and clock.
 * @returns the externalUserIds each guide actively follows.
 */
export async function seedBrand(options: SeedOptions): Promise<Map<string, string[]>> {
  const { customers: customerCount, guides: guideCount, groups: groupCount, now } = options;
  const next = random(options.seed);
  const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
  const between = (low: number, high: number) => low + Math.floor(next() * (high - low + 1));
  const loader = new Loader(options.batch);
  const stamp = { createdAt: now, updatedAt: now };

  for (let guide = 0; guide < guideCount; guide += 1) {
    await loader.add(asModel(Employee), {
      userId: guideOf(guide),
      name: `${pick(SURNAMES)}导购${guide}`,
      departmentIds: [storeOf(guide)],
      mainDepartmentId: storeOf(guide),
      position: "导购",
      alias: "",
      wecomStatus: 1,
      deleted: false,
      role: "guide",
      scopeStoreIds: [],
      ...stamp,
    });
  }
  for (let group = 0; group < TAG_GROUPS.length; group += 1) {
    await loader.add(asModel(TagGroup), {
      groupId: `etBenchG${group}`,
      name: TAG_GROUPS[group],
      order: TAG_GROUPS.length - group,
      createdAtWeCom: new Date(now.getTime() - 400 * DAY),
      deleted: false,
      tags: Array.from({ length: TAGS_PER_GROUP }, (_, tag) => ({ id: tagIdOf(group, tag), name: `${TAG_GROUPS[group]}${tag + 1}`, order: TAGS_PER_GROUP - tag, createdAtWeCom: null, deleted: false })),
      syncedAt: now,
      ...stamp,
    });
  }

  // Groups first, so members can carry the chat ids they are in: mostly the owner's own customers.
  const chatIdsOf = new Map<number, string[]>();
  for (let group = 0; group < groupCount; group += 1) {
    const owner = group % guideCount;
    const chatId = `wrBench${String(group).padStart(6, "0")}`;
    const size = between(20, 200);
    const chosen = new Set<number>();
    const ownCustomers = Math.ceil(customerCount / guideCount);
    while (chosen.size < Math.min(size, customerCount)) {
      const index = next() < 0.7 ? Math.min(customerCount - 1, owner + guideCount * Math.floor(next() * ownCustomers)) : Math.floor(next() * customerCount);
      chosen.add(index);
    }
    const joinedAt = (days: number) => new Date(now.getTime() - days * DAY);
    const members = [
      { id: guideOf(owner), type: "employee", joinScene: 1, joinedAt: joinedAt(300), invitorId: null, groupNickname: "", name: "", state: "", status: "in", quitScene: null, leftAt: null },
      ...[...chosen].map((index) => {
        const left = next() < 0.05;
        return { id: externalUserIdOf(index), type: "customer", joinScene: pick([1, 2, 3]), joinedAt: joinedAt(between(1, 300)), invitorId: guideOf(owner), groupNickname: "", name: "", state: "", status: left ? "left" : "in", quitScene: left ? 0 : null, leftAt: left ? now : null };
      }),
    ];
    for (const index of chosen) {
      chatIdsOf.set(index, [...(chatIdsOf.get(index) ?? []), chatId]);
    }
    await loader.add(asModel(Group), {
      chatId,
      name: `${guideOf(owner)} 的会员福利群 ${group}`,
      ownerId: guideOf(owner),
      notice: "新品试用、会员日活动都在群里通知",
      adminIds: [],
      createdAtWeCom: joinedAt(300),
      memberVersion: `v${group}`,
      status: "active",
      dismissedAt: null,
      members,
      syncedAt: now,
      ...stamp,
    });
  }

  const followedBy = new Map<string, string[]>();
  let orderNo = 0;
  let claimNo = 0;
  for (let index = 0; index < customerCount; index += 1) {
    const externalUserId = externalUserIdOf(index);
    const guide = index % guideCount;
    const name = `${pick(SURNAMES)}${index % 2 === 0 ? "女士" : "先生"}`;
    const isMember = next() < MEMBER_SHARE;
    const addedAt = new Date(now.getTime() - between(1, 700) * DAY);
    const notes: Record<string, unknown>[] = [];
    if (next() < NOTE_SHARE) {
      for (let note = between(1, 3); note > 0; note -= 1) {
        const at = new Date(now.getTime() - between(1, 300) * DAY);
        notes.push({ _id: new mongoose.Types.ObjectId(), externalUserId, authorUserId: guideOf(guide), text: pick(["回访：对精华液感兴趣", "已发新品试用装", "生日月，提醒领券", "询问粉底色号"]), createdAt: at, updatedAt: at });
      }
      notes.sort((a, b) => (a.createdAt as Date).getTime() - (b.createdAt as Date).getTime());
    }
    await loader.add(asModel(Customer), {
      externalUserId,
      name,
      avatar: `https://wework.qpic.cn/wwpic/${index}/0`,
      wecomType: 1,
      gender: index % 2 === 0 ? 2 : 1,
      unionid: isMember ? `oUBench${index.toString(36)}` : null,
      corpName: "",
      position: "",
      syncedAt: now,
      groupChatIds: chatIdsOf.get(index) ?? [],
      recentNoteIds: notes.map((note) => note._id),
      ...stamp,
    });
    for (const note of notes) {
      await loader.add(asModel(CustomerNote), note);
    }

    const follows: { userId: string; status: string }[] = [{ userId: guideOf(guide), status: "active" }];
    if (next() < SECOND_FOLLOW_SHARE && guideCount > 1) {
      follows.push({ userId: guideOf((guide + 1 + Math.floor(next() * (guideCount - 1))) % guideCount), status: next() < 0.33 ? "deleted_by_customer" : "active" });
    }
    const allTags = new Set<string>();
    for (const follow of follows) {
      const tagIds = [...new Set(Array.from({ length: between(0, 4) }, () => tagIdOf(between(0, TAG_GROUPS.length - 1), between(0, TAGS_PER_GROUP - 1))))];
      tagIds.forEach((tagId) => allTags.add(tagId));
      await loader.add(asModel(Follow), {
        externalUserId,
        userId: follow.userId,
        remark: next() < 0.4 ? `${name} ${pick(["敏感肌", "老客", "送礼", "VIP", "油皮"])}` : "",
        description: "",
        state: `store_${storeOf(guide)}`,
        addWay: pick([1, 2, 3, 201]),
        operUserId: follow.userId,
        tagIds,
        addedAt,
        status: follow.status,
        statusChangedAt: follow.status === "active" ? null : now,
        deletedByTransfer: false,
        transferFailure: null,
        ...stamp,
      });
      if (follow.status === "active") {
        followedBy.set(follow.userId, [...(followedBy.get(follow.userId) ?? []), externalUserId]);
      }
    }

    if (isMember) {
      const memberId = new mongoose.Types.ObjectId();
      const orderCount = between(1, 5);
      const paidTimes = Array.from({ length: orderCount }, () => now.getTime() - between(1, 365) * DAY - between(0, 86_399) * 1000).sort((a, b) => a - b);
      let totalSpent = 0;
      const recentOrders: { orderId: string; paidAt: Date }[] = [];
      const home = pick(CHANNELS);
      for (const paid of paidTimes) {
        const channel = next() < 0.75 ? home : pick(CHANNELS);
        const items = Array.from({ length: between(1, 3) }, () => {
          const product = pick(PRODUCTS);
          return { sku: product.sku, name: product.name, category: product.category, quantity: 1, amount: product.amount };
        });
        const amount = items.reduce((sum, item) => sum + item.amount, 0);
        totalSpent += amount;
        orderNo += 1;
        const number = `${channel.slice(0, 2).toUpperCase()}${String(orderNo).padStart(9, "0")}`;
        recentOrders.push({ orderId: `${channel}:${number}`, paidAt: new Date(paid) });
        await loader.add(asModel(Order), {
          _id: `${channel}:${number}`,
          channel,
          orderNo: number,
          memberId,
          amount,
          refundedAmount: 0,
          status: "paid",
          paidAt: new Date(paid),
          items,
          storeId: channel === "store" ? `store_${storeOf(guide)}` : null,
          guideUserId: channel === "store" ? guideOf(guide) : null,
          ...stamp,
        });
      }
      const growth = Math.trunc(totalSpent / 100);
      const level = levelForGrowth(DEFAULT_PROGRAM, growth);
      const joinedAt = new Date((paidTimes[0] as number) - DAY);
      const reachedAt = new Date(paidTimes.at(-1) as number);
      await loader.add(asModel(Member), {
        _id: memberId,
        memberNo: `M${String(index + 1).padStart(8, "0")}`,
        name,
        phoneHash: null,
        phoneEncrypted: null,
        phoneMasked: `1${"35789"[index % 5]}8****${String(index % 10_000).padStart(4, "0")}`,
        unionid: `oUBench${index.toString(36)}`,
        externalUserIds: [externalUserId],
        tagIds: [...allTags],
        guideUserIds: follows.filter((follow) => follow.status === "active").map((follow) => follow.userId),
        groupChatIds: chatIdsOf.get(index) ?? [],
        homeStoreId: `store_${storeOf(guide)}`,
        joinedAt,
        sourceChannel: home,
        birthday: next() < 0.5 ? `${String(between(1, 12)).padStart(2, "0")}-${String(between(1, 28)).padStart(2, "0")}` : null,
        levelCode: level.code,
        levelValidUntil: level.threshold > 0 ? new Date(reachedAt.getTime() + 365 * DAY) : null,
        levelChanges: level.threshold > 0 ? [{ from: "regular", to: level.code, at: reachedAt, reason: "growth" }] : [],
        growth,
        points: growth,
        metrics: {
          totalSpent,
          orderCount,
          averageOrderValue: Math.round(totalSpent / orderCount),
          firstPurchaseAt: new Date(paidTimes[0] as number),
          lastPurchaseAt: reachedAt,
          purchaseTimes: paidTimes.map((time) => new Date(time)),
          recentOrders: recentOrders.slice(-5),
        },
        mergedInto: null,
        ...stamp,
      });
      await loader.add(asModel(MemberIdentity), { _id: `customer:${externalUserId}`, kind: "customer", memberId, via: "wecom", byUserId: null, at: joinedAt });
      await loader.add(asModel(MemberIdentity), { _id: `unionid:oUBench${index.toString(36)}`, kind: "unionid", memberId, via: "wecom", byUserId: null, at: joinedAt });
      if (level.threshold > 0 && next() < 0.3) {
        claimNo += 1;
        await loader.add(asModel(BenefitClaim), {
          _id: `BC${String(claimNo).padStart(10, "0")}`,
          slot: `silver_coupon:${memberId}:${reachedAt.toISOString().slice(0, 10)}:1`,
          benefitCode: "silver_coupon",
          memberId,
          levelCode: level.code,
          status: "claimed",
          claimedAt: reachedAt,
          redeemBy: new Date(reachedAt.getTime() + 30 * DAY),
          redeemedAt: null,
          redeemedByUserId: null,
          storeId: null,
        });
      }
    }

  }
  await loader.flushAll();
  process.stderr.write(`  seeded ${[...loader.counts].map(([name, count]) => `${name} ${count}`).join(", ")}\n`);
  return followedBy;
}
