import assert from "node:assert/strict";
import { benefitRedeemer } from "../../server/commands/benefitClaimer.ts";
import followStatusUpdater from "../../server/commands/followStatusUpdater.ts";
import orderBatchImporter from "../../server/commands/orderBatchImporter.ts";
import orderRecorder from "../../server/commands/orderRecorder.ts";
import { currentProgram } from "../../server/commands/programStore.ts";
import { completeTask } from "../../server/commands/taskCompleter.ts";
import taskGenerator from "../../server/commands/taskGenerator.ts";
import { BenefitClaim } from "../../server/models/BenefitClaim.ts";
import { CompletionDay, completionDayId } from "../../server/models/CompletionDay.ts";
import { OpenTaskIndex } from "../../server/models/OpenTaskIndex.ts";
import { Task, type TaskAttrs } from "../../server/models/Task.ts";
import type { EventProcessor } from "../../server/workers/eventProcessor.ts";
import { contactEventXml, deliver } from "../support/callbacks.ts";
import { testProcessor, testWeComClient, useTestServer } from "../support/server.ts";
import { loginAs } from "../support/sessions.ts";
import { externalContactResponse, nockToken, wecomApi } from "../support/wecomNock.ts";
import { aFollowedMember, china, seedGuides, seedMeiAndLin } from "./support.ts";

// 06:00 China time on 2026-03-10; the guides work later that morning.
const NOW = new Date("2026-03-09T22:00:00Z");
let clock = NOW;

const task = (id: string) => Task.findById(id).lean<TaskAttrs>();
const figures = async (userId: string, day: string) => ((await CompletionDay.findById(completionDayId("guide", userId, day)).lean())?.figures ?? {}) as Record<string, number>;

async function seed() {
  const { mei, lin } = await seedMeiAndLin();
  await taskGenerator({ now: NOW });
  return { birthday: `birthday:${mei}:2026`, benefit: "benefitExpiring:s1:2026-03-11", silent: `silent:${lin}:2025-12-10`, mei, lin };
}

describe("tasks closing themselves and done by the guide's action", () => {
  const context = useTestServer({ now: () => clock });
  beforeEach(() => {
    clock = NOW;
  });

  it("should close a silent task when the member buys, taking its due back, once", async () => {
    const ids = await seed();
    assert.equal((await figures("gb1", "2026-03-10")).tasksDue, 1);
    const { program } = await currentProgram();
    const order = { channel: "store", orderNo: "S1", amount: 19_900, paidAt: china("2026-03-10", "11:00"), status: "paid" as const, refundedAmount: 0, member: { externalUserId: "wm_lin" }, items: [] };
    await orderRecorder(order, program, china("2026-03-10", "11:00"));
    await orderRecorder(order, program, china("2026-03-10", "11:05"));
    const closed = await task(ids.silent);
    assert.deepEqual([closed?.state, closed?.closedReason], ["closed", "客户已复购"]);
    assert.deepEqual([(await figures("gb1", "2026-03-10")).tasksDue, (await figures("gb1", "2026-03-10")).due_silent], [0, 0]);
    assert.deepEqual((await OpenTaskIndex.findById("wm_lin").lean())?.taskIds, []);
    // 小美's tasks have nothing to do with 小林's purchase.
    assert.equal((await task(ids.birthday))?.state, "open");
  });

  it("should close it when the order comes through the bulk import, and give a lifted member a level-up task", async () => {
    const ids = await seed();
    const { program } = await currentProgram();
    const paidAt = china("2026-03-10", "11:00");
    const rows = [
      { channel: "tmall", orderNo: "T1", amount: 19_900, paidAt, status: "paid" as const, refundedAmount: 0, member: { externalUserId: "wm_lin" }, items: [] },
      // 小美 has 4,620 growth: ¥400 lifts her to 金卡.
      { channel: "tmall", orderNo: "T2", amount: 40_000, paidAt, status: "paid" as const, refundedAmount: 0, member: { externalUserId: "wm_mei" }, items: [] },
    ];
    await orderBatchImporter(rows, program, paidAt);
    assert.deepEqual([(await task(ids.silent))?.state, (await task(ids.silent))?.closedReason], ["closed", "客户已复购"]);
    assert.equal((await task(`levelUp:${ids.mei}:gold:2026-03-10`))?.userId, "ga1");
  });

  it("should mark the expiring benefit done (redeemed) when its own guide redeems it, and close it when someone else does", async () => {
    const ids = await seed();
    clock = china("2026-03-10", "14:00");
    await benefitRedeemer({ code: "CPN1", userId: "ga1", storeId: "101", now: clock });
    const done = await task(ids.benefit);
    assert.deepEqual([done?.state, done?.result, done?.doneOnTime], ["done", "redeemed", true]);
    // Redeeming, ga1 met 小美: the birthday task is done too.
    assert.equal((await task(ids.birthday))?.result, "redeemed");
    assert.deepEqual([(await figures("ga1", "2026-03-11")).tasksDone, (await figures("ga1", "2026-03-11")).onTime_benefitExpiring], [1, 1]);

    await BenefitClaim.create({ _id: "CPN9", slot: "s9", benefitCode: "silver_coupon", memberId: ids.mei, levelCode: "silver", claimedAt: china("2026-02-10"), redeemBy: china("2026-03-12", "23:59") });
    await taskGenerator({ now: NOW });
    await benefitRedeemer({ code: "CPN9", userId: null, storeId: "101", now: clock });
    const closed = await task("benefitExpiring:s9:2026-03-12");
    assert.deepEqual([closed?.state, closed?.closedReason], ["closed", "权益已核销"]);
  });

  it("should settle the task of a redemption whose process died before settling it, on the next daily run", async () => {
    const ids = await seed();
    // As a process that died right after the redemption's own update leaves it.
    await BenefitClaim.updateOne({ _id: "CPN1" }, { $set: { status: "redeemed", redeemedAt: china("2026-03-10", "14:00"), redeemedByUserId: "ga1" } });
    const run = await taskGenerator({ now: new Date("2026-03-10T22:00:00Z") });
    assert.equal(run.settled, 1);
    const done = await task(ids.benefit);
    assert.deepEqual([done?.state, done?.result, done?.doneAt?.toISOString()], ["done", "redeemed", china("2026-03-10", "14:00").toISOString()]);
    assert.equal((await task(ids.birthday))?.state, "open", "the repair settles the claim's own task only");
    assert.equal((await taskGenerator({ now: new Date("2026-03-10T22:00:00Z") })).settled, 0);
  });

  it("should close the open tasks of a follow the customer deleted", async () => {
    const ids = await seed();
    await followStatusUpdater({ externalUserId: "wm_mei", userId: "ga1", status: "deleted_by_customer", at: china("2026-03-10", "09:00") });
    for (const id of [ids.birthday, ids.benefit]) {
      const closed = await task(id);
      assert.deepEqual([closed?.state, closed?.closedReason], ["closed", "客户已删除导购"]);
    }
    assert.equal((await figures("ga1", "2026-03-12")).tasksDue, 0);
  });

  it("should mark the guide's open tasks for the customer done when they write a note in the sidebar", async () => {
    const ids = await seed();
    const guide = await loginAs(context.server, { userId: "ga1", departmentIds: [101] });
    clock = china("2026-03-10", "10:30");
    const { status } = await guide.send("POST", "/api/sidebar/customers/wm_mei/notes", { text: "已电话联系，周末到店" });
    assert.equal(status, 201);
    for (const id of [ids.birthday, ids.benefit]) {
      const done = await task(id);
      assert.deepEqual([done?.state, done?.result, done?.doneAt?.toISOString(), done?.doneOnTime], ["done", "note", clock.toISOString(), true]);
    }
    assert.deepEqual([(await figures("ga1", "2026-03-12")).done_birthday, (await figures("ga1", "2026-03-12")).onTime_birthday], [1, 1]);
    // 小林's silent task is gb1's: ga1's note on 小林 leaves it open.
    await guide.send("POST", "/api/sidebar/customers/wm_lin/notes", { text: "问候" });
    assert.equal((await task(ids.silent))?.state, "open");
  });

  it("should refuse completeTask by another guide, and do it once when called twice", async () => {
    const ids = await seed();
    await assert.rejects(completeTask({ taskId: ids.birthday, userId: "gb1", result: "contacted", at: clock }), { status: 403, message: "该任务不是您的任务" });
    assert.equal((await task(ids.birthday))?.state, "open");
    // After its due time: done, not on time.
    const late = china("2026-03-12", "18:00");
    const [first, second] = await Promise.all([
      completeTask({ taskId: ids.birthday, userId: "ga1", result: "contacted", at: late }),
      completeTask({ taskId: ids.birthday, userId: "ga1", result: "noReply", at: late }),
    ]);
    assert.equal([first.changed, second.changed].filter(Boolean).length, 1);
    const done = await task(ids.birthday);
    assert.equal(done?.doneOnTime, false);
    assert.deepEqual([(await figures("ga1", "2026-03-12")).tasksDone, (await figures("ga1", "2026-03-12")).tasksOnTime], [1, 0]);
  });

  describe("event-driven tasks", () => {
    let processor: EventProcessor;
    beforeEach(() => {
      // The handlers on the test's clock: a greeting is made only for an add whose greeting is not long past.
      processor = testProcessor({ context: { wecom: testWeComClient(), now: () => clock } });
      nockToken();
    });

    it("should give the guide a greeting task due 24 hours after the add, once however often the add comes", async () => {
      await seedGuides();
      const createtime = Date.parse("2026-03-10T02:00:00Z") / 1000;
      for (const code of ["WC1", "WC2"]) {
        wecomApi().get("/cgi-bin/externalcontact/get").query(true).reply(200, externalContactResponse("wm_new", [{ userid: "ga1", createtime }]));
        await deliver(context.server.url, contactEventXml("add_external_contact", { UserID: "ga1", ExternalUserID: "wm_new", WelcomeCode: code, CreateTime: createtime }), { timestamp: String(Math.floor(clock.getTime() / 1000)) });
        await processor.drain();
      }
      const greetings = await Task.find({ kind: "greeting" }).lean<TaskAttrs[]>();
      assert.deepEqual(
        greetings.map((found) => [found._id, found.userId, found.dueAt.toISOString(), found.storeId]),
        [["greeting:wm_new:ga1", "ga1", "2026-03-11T02:00:00.000Z", "101"]],
      );
      assert.match(greetings[0]?.suggestion ?? "", /我是您的专属导购王导购/);
      assert.deepEqual([(await figures("ga1", "2026-03-11")).greetingsDue, (await figures("ga1", "2026-03-11")).tasksDue], [1, 1]);
    });

    it("should give the member's guide a level-up task when an order lifts the member, once", async () => {
      await seedGuides();
      const mei = await aFollowedMember({ externalUserId: "wm_mei", name: "小美", guides: [{ userId: "ga1", contactAt: china("2026-01-01") }] });
      const { program } = await currentProgram();
      const order = { channel: "store", orderNo: "U1", amount: 40_000, paidAt: china("2026-03-10", "11:00"), status: "paid" as const, refundedAmount: 0, member: { externalUserId: "wm_mei" }, items: [] };
      await orderRecorder(order, program, china("2026-03-10", "11:00"));
      await orderRecorder({ ...order, orderNo: "U2", amount: 100 }, program, china("2026-03-10", "12:00"));
      const levelUps = await Task.find({ kind: "levelUp" }).lean<TaskAttrs[]>();
      assert.deepEqual(
        levelUps.map((found) => [found._id, found.userId, found.title, found.dueAt.toISOString()]),
        [[`levelUp:${mei}:gold:2026-03-10`, "ga1", "升级为金卡会员", china("2026-03-11", "11:00").toISOString()]],
      );
      assert.equal(levelUps[0]?.suggestion, "恭喜小美升级为金卡会员！新等级的专属权益已经开通，有空来店里看看～");
    });
  });
});
