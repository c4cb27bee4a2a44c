import assert from "node:assert/strict";
import type { Db } from "mongodb";
import mongoose from "mongoose";
import taskGenerator from "../../server/commands/taskGenerator.ts";
import taskRuleSaver from "../../server/commands/taskRuleStore.ts";
import { DEFAULT_TASK_RULES } from "../../server/domain/taskRules.ts";
import { startScheduler, type Scheduler } from "../../server/jobs/scheduler.ts";
import { BenefitClaim } from "../../server/models/BenefitClaim.ts";
import { CompletionDay, completionDayId } from "../../server/models/CompletionDay.ts";
import { Member } from "../../server/models/Member.ts";
import { OpenTaskIndex } from "../../server/models/OpenTaskIndex.ts";
import { Task, type TaskAttrs } from "../../server/models/Task.ts";
import { resetDatabase } from "../support/hooks.ts";
import { testWeComClient } from "../support/server.ts";
import { aFollowedMember, china, seedMeiAndLin } from "./support.ts";

// 06:00 China time on 2026-03-10, when the daily job runs.
const NOW = new Date("2026-03-09T22:00:00Z");

interface World {
  xiaomei: string;
  xiaolin: string;
  xiaozhang: string;
}

/** 小美's birthday in 2 days and a coupon expiring tomorrow, 小林 silent since today, 小张 due back in 2 days. */
async function seedWorld(): Promise<World> {
  const { mei: xiaomei, lin: xiaolin } = await seedMeiAndLin();
  const xiaozhang = await aFollowedMember({ externalUserId: "wm_zhang", name: "小张", guides: [{ userId: "ga2", contactAt: china("2026-01-01") }], purchaseTimes: [china("2025-12-12"), china("2026-01-11"), china("2026-02-10")] });
  // No guide follows 小李: nobody to give a task to.
  await aFollowedMember({ externalUserId: "wm_li", name: "小李", guides: [], birthday: "03-10" });
  const claim = { benefitCode: "silver_coupon", memberId: xiaomei, levelCode: "silver", claimedAt: china("2026-02-10") };
  await BenefitClaim.create([
    { ...claim, _id: "CPN2", slot: "s2", redeemBy: china("2026-03-11", "23:59"), status: "redeemed", redeemedAt: china("2026-03-01") },
    { ...claim, _id: "CPN3", slot: "s3", redeemBy: china("2026-03-25", "23:59") },
  ]);
  return { xiaomei, xiaolin, xiaozhang };
}

const tasks = () => Task.find().sort({ _id: 1 }).lean<TaskAttrs[]>();
const guideDay = async (userId: string, day: string) => (await CompletionDay.findById(completionDayId("guide", userId, day)).lean())?.figures as Record<string, number> | undefined;

describe("daily task generation (GenerateTasksJob)", () => {
  beforeEach(() => resetDatabase());

  it("should make one task per member and occasion, for the right guide, with the template filled", async () => {
    const world = await seedWorld();
    const result = await taskGenerator({ now: NOW });
    assert.deepEqual(result, { members: 3, claims: 1, inserted: 4, existing: 0, settled: 0 });
    const made = await tasks();
    assert.deepEqual(
      made.map((task) => [task._id, task.userId, task.externalUserId, task.dueAt.toISOString(), task.dueDay, task.storeId, task.regionId]),
      [
        ["benefitExpiring:s1:2026-03-11", "ga1", "wm_mei", china("2026-03-11", "10:00").toISOString(), "2026-03-11", "101", "10"],
        [`birthday:${world.xiaomei}:2026`, "ga1", "wm_mei", china("2026-03-12", "10:00").toISOString(), "2026-03-12", "101", "10"],
        [`repurchaseDue:${world.xiaozhang}:2026-03-12`, "ga2", "wm_zhang", china("2026-03-12", "11:00").toISOString(), "2026-03-12", "101", "10"],
        [`silent:${world.xiaolin}:2025-12-10`, "gb1", "wm_lin", china("2026-03-10", "15:00").toISOString(), "2026-03-10", "102", "10"],
      ],
    );
    const byKind = new Map(made.map((task) => [task.kind, task]));
    assert.equal(byKind.get("birthday")?.title, "3月12日生日");
    assert.equal(byKind.get("birthday")?.suggestion, "小美，3月12日是您的生日，提前祝您生日快乐！银卡会员的生日礼已为您准备好，到店或线上都可以领取哦。");
    assert.equal(byKind.get("benefitExpiring")?.title, "银卡专享券 满300减30 3月11日过期");
    assert.equal(byKind.get("benefitExpiring")?.suggestion, "小美，您的银卡专享券 满300减30将在3月11日过期，别忘了使用哦，需要的话我帮您预留。");
    assert.equal(byKind.get("repurchaseDue")?.suggestion, "小张，上次您2月10日买的快用完了吧？最近有新品到店，再消费¥380就能升级金卡会员。");
    assert.equal(byKind.get("silent")?.suggestion, "小林，好久不见！已经90天没见您了，店里上了新款，银卡会员专享优惠给您留着呢。");
    // Counted as due on their due days, and noted open on their customers.
    assert.deepEqual([(await guideDay("ga1", "2026-03-12"))?.tasksDue, (await guideDay("ga1", "2026-03-12"))?.due_birthday], [1, 1]);
    assert.equal((await guideDay("gb1", "2026-03-10"))?.due_silent, 1);
    assert.deepEqual((await OpenTaskIndex.findById("wm_mei").lean())?.taskIds.sort(), ["benefitExpiring:s1:2026-03-11", `birthday:${world.xiaomei}:2026`]);
  });

  it("should make nothing new when run again or twice at once, and count each task once", async () => {
    await seedWorld();
    const runs = await Promise.all([taskGenerator({ now: NOW }), taskGenerator({ now: NOW })]);
    assert.equal(runs[0].inserted + runs[1].inserted, 4);
    const again = await taskGenerator({ now: new Date(NOW.getTime() + 3_600_000) });
    assert.deepEqual([again.inserted, again.existing], [0, 4]);
    assert.equal(await Task.countDocuments(), 4);
    assert.equal((await guideDay("ga1", "2026-03-12"))?.tasksDue, 1);
    assert.equal((await guideDay("gb1", "2026-03-10"))?.tasksDue, 1);
    assert.equal((await CompletionDay.findById(completionDayId("all", "all", "2026-03-12")).lean())?.figures?.tasksDue, 2);
  });

  it("should repair a count a crash left undone after the insert", async () => {
    await seedWorld();
    await taskGenerator({ now: NOW });
    // As a process that died after the inserts leaves it: tasks not counted, nothing noted.
    await Task.updateMany({}, { $set: { counted: false } });
    await CompletionDay.deleteMany({});
    await OpenTaskIndex.deleteMany({});
    await taskGenerator({ now: NOW });
    assert.equal(await Task.countDocuments({ counted: true }), 4);
    assert.equal((await OpenTaskIndex.findById("wm_mei").lean())?.taskIds.length, 2);
    assert.equal((await guideDay("ga1", "2026-03-12"))?.tasksDue, 1);
    assert.equal((await guideDay("ga2", "2026-03-12"))?.due_repurchaseDue, 1);
  });

  it("should make the level-up task an order's handler died before making, while it is not past due", async () => {
    const { mei } = await seedMeiAndLin();
    // 小美 was lifted to 金卡 last night at 20:00; the task was never made.
    await Member.updateOne({ _id: mei }, { $set: { levelCode: "gold" }, $push: { levelChanges: { from: "silver", to: "gold", at: china("2026-03-09", "20:00"), reason: "upgrade" } } });
    await taskGenerator({ now: NOW });
    const made = await Task.findById(`levelUp:${mei}:gold:2026-03-09`).lean<TaskAttrs>();
    assert.deepEqual([made?.userId, made?.title, made?.dueAt.toISOString()], ["ga1", "升级为金卡会员", china("2026-03-10", "20:00").toISOString()]);
    // Two days on, its congratulation is past due: nothing is made for an old upgrade.
    await Task.deleteMany({});
    await taskGenerator({ now: new Date("2026-03-11T22:00:00Z") });
    assert.equal(await Task.countDocuments({ kind: "levelUp" }), 0);
  });

  it("should make no task of a kind that is off", async () => {
    await seedWorld();
    await taskRuleSaver({ rules: { ...DEFAULT_TASK_RULES, birthday: { ...DEFAULT_TASK_RULES.birthday, enabled: false }, benefitExpiring: { ...DEFAULT_TASK_RULES.benefitExpiring, enabled: false } }, savedBy: "ops", now: NOW });
    await taskGenerator({ now: NOW });
    assert.deepEqual((await tasks()).map((task) => task.kind).sort(), ["repurchaseDue", "silent"]);
  });

  it("should take the next occasion on another day: next year's birthday, the next silence", async () => {
    const world = await seedWorld();
    await taskGenerator({ now: NOW });
    // A year later 小美's birthday comes round again.
    await taskGenerator({ now: new Date("2027-03-09T22:00:00Z") });
    assert.ok(await Task.exists({ _id: `birthday:${world.xiaomei}:2027` }));
    assert.equal(await Task.countDocuments({ kind: "birthday" }), 2);
  });

  describe("the schedule", () => {
    let clock = NOW;
    let scheduler: Scheduler;
    beforeEach(async () => {
      scheduler = await startScheduler(mongoose.connection.db as Db, { wecom: testWeComClient(), now: () => clock }, { processEvery: 100 });
    });
    afterEach(() => scheduler.stop());

    it("should run daily at 06:00 China time and generate with the injected clock", async () => {
      const job = await mongoose.connection.db?.collection("agenda_jobs").findOne({ name: "GenerateTasksJob", type: "single" });
      assert.equal(job?.repeatInterval, "0 22 * * *");
      assert.equal(job?.repeatTimezone, "UTC");
      assert.equal(new Date(job?.nextRunAt as Date).getUTCHours(), 22, "22:00 UTC is 06:00 in China");
      await seedWorld();
      clock = NOW;
      await scheduler.runNow("GenerateTasksJob");
      assert.equal(await Task.countDocuments(), 4);
      assert.ok((await tasks()).every((task) => task.createdAt.getTime() === NOW.getTime()));
    });
  });
});
