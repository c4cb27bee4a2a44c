import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { ChannelCode } from "../../server/models/ChannelCode.ts";
import { CompletionDay, completionDayId } from "../../server/models/CompletionDay.ts";
import { Customer } from "../../server/models/Customer.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Funnel } from "../../server/models/Funnel.ts";
import { Group } from "../../server/models/Group.ts";
import { Member } from "../../server/models/Member.ts";
import { NonMemberOrder } from "../../server/models/NonMemberOrder.ts";
import { Order } from "../../server/models/Order.ts";
import { Segment } from "../../server/models/Segment.ts";
import { TagRule } from "../../server/models/TagRule.ts";
import { Task } from "../../server/models/Task.ts";
import { runDemo, type DemoProgress } from "../../server/sandbox/demo/run.ts";
import { DEMO_FUNNEL } from "../../server/sandbox/demo/funnel.ts";
import type { DemoStatus } from "../../server/sandbox/demo/runner.ts";
import { OPERATOR } from "../../server/sandbox/demoData.ts";
import { SandboxCustomer, SandboxGroup } from "../../server/sandbox/models/index.ts";
import { resetDatabase } from "../support/hooks.ts";
import { startSandboxServer, type SandboxServer } from "./sandboxServer.ts";

describe("sandbox demo scenario", function () {
  this.timeout(120_000);
  let sandbox: SandboxServer;

  before(async () => {
    sandbox = await startSandboxServer();
  });
  after(() => sandbox.close());
  beforeEach(() => resetDatabase());

  it("fills customers, groups, members and orders through the product, and a second run adds nothing", async () => {
    const steps: DemoProgress[] = [];
    const summary = await runDemo({ callbackUrl: sandbox.server.url, customers: 80, orders: 300, onProgress: (progress) => steps.push(progress) });
    await sandbox.settle();

    assert.equal(summary.customersAdded, 80);
    assert.equal(summary.pendingEvents, 0);
    assert.equal(await SandboxCustomer.countDocuments(), 80);
    assert.equal(await Customer.countDocuments(), 80, "every add reached the product");
    // Every add came through a channel code; a few of the 渠道活码 customers deleted or were deleted since.
    assert.equal(await Follow.countDocuments({ state: { $ne: "" } }), 80);
    assert.equal(await Follow.countDocuments({ status: "active", state: { $ne: "" } }), 80 - summary.channelCodes.deleted);
    assert.ok((await Follow.countDocuments({ "tagIds.0": { $exists: true } })) > 40, "guides' tags and the source rule's tags");

    const members = await Member.find({ mergedInto: null }).lean();
    assert.ok(members.length > 30 && members.length <= 80, `members: ${members.length}`);
    assert.ok(members.some((member) => member.levelCode !== "regular"), "growth made some members silver or better");
    assert.ok(members.some((member) => member.externalUserIds.length > 0 && member.guideUserIds.length > 0), "members linked to their WeCom customer and guide");
    assert.ok(members.some((member) => member.groupChatIds.length > 0), "members in customer groups");
    const orders = await Order.countDocuments();
    assert.equal(orders, summary.orders.created);
    assert.ok(orders > 150 && orders <= 320, `orders: ${orders}`);
    assert.ok((await NonMemberOrder.countDocuments()) > 0, "walk-in sales for the member share");
    assert.ok(summary.groupJoins > 10, `joins: ${summary.groupJoins}`);
    const groups = await Group.find().lean();
    const inGroups = groups.flatMap((group) => group.members.filter((member) => member.type === "customer" && member.status === "in"));
    assert.equal(inGroups.length, summary.groupJoins + summary.funnel.joins);
    for (const group of groups) {
      assert.equal(group.memberVersion, (await SandboxGroup.findById(group.chatId).lean())?.member_version, `${group.name}: deltas applied in order`);
    }
    assert.equal((await Employee.find({ role: "manager" }).lean()).length, 2);
    assert.equal((await Employee.findOne({ userId: OPERATOR.userid }).lean())?.role, "operator");
    // The operator's settings went through the console, logged in as her.
    const segments = await Segment.find().lean();
    assert.ok(segments.length >= 4);
    assert.ok(segments.every((segment) => segment.createdBy === OPERATOR.userid), "saved by the operator's console session");
    const rule = await TagRule.findOne({ trigger: "channel_state" }).lean();
    assert.deepEqual(rule?.condition?.states, ["brand-live"]);
    const liveFollows = await Follow.find({ state: "brand-live" }).lean();
    assert.ok(liveFollows.every((follow) => rule?.tagIds.every((tagId) => follow.tagIds.includes(tagId))), "the rule tagged the live stream's customers");
    assert.equal(await Employee.countDocuments({ role: "admin" }), 0, "the demo's login makes nobody the first admin");
    // The operator's 渠道活码 (schedules, caps, welcomes) with four weeks of adds, and the funnel that filled and rotated.
    const codes = await ChannelCode.find().lean();
    assert.deepEqual(codes.map((code) => code.name).sort(), ["南京西路店·门店活码", "天猫售后卡", "抖音直播间·粉丝福利码"].sort());
    assert.ok(codes.every((code) => code.configId && code.welcome?.text.includes("{客户昵称}")), "each code is in WeCom and greets by name");
    assert.ok(codes.some((code) => code.guides.some((guide) => guide.slots.length > 0) && code.dailyCap), "weekly shifts and a daily cap");
    assert.equal(summary.channelCodes.adds, 12);
    const codeFollows = await Follow.find({ state: { $in: codes.map((code) => code.state) } }).lean();
    assert.equal(codeFollows.length, 12, JSON.stringify(codeFollows.map((follow) => [follow.externalUserId, follow.userId, follow.state, follow.status])));
    assert.equal(summary.funnel.joins, 12);
    const funnel = await Funnel.findOne({ slug: DEMO_FUNNEL.slug }).lean();
    assert.ok(funnel?.joinWay, "the funnel has its join way");
    assert.equal(funnel.stats.joins, 12, "every join through the landing page counted once");
    const [first, second] = funnel.groups;
    assert.ok(first && second && first.memberCount >= funnel.threshold && second.memberCount > 1, `the first group filled and the funnel moved on: ${JSON.stringify(funnel.groups.map((group) => group.memberCount))}`);
    assert.ok(!funnel.joinWay.chatIds.includes(first.chatId ?? ""), "the full group left the join way");
    // Three weeks of guides' tasks: made by the engine day by day, some done on time, some late, some left.
    const tasks = await Task.find({}, { dueDay: 1, state: 1, doneOnTime: 1, storeId: 1 }).lean();
    assert.ok(summary.tasks.days >= 5 && summary.tasks.generated > 0, JSON.stringify(summary.tasks));
    assert.ok(new Set(tasks.map((task) => task.dueDay)).size >= 7, `tasks due over many days: ${tasks.length}`);
    assert.ok(tasks.some((task) => task.state === "done" && task.doneOnTime) && tasks.some((task) => task.state === "done" && task.doneOnTime === false), "on time and late");
    assert.ok(tasks.some((task) => task.state === "open"), "some left undone");
    // The year's back-dated adds give no year-old greetings, only those of the last week or so.
    const greetings = await Task.find({ kind: "greeting" }, { dueAt: 1 }).lean();
    assert.ok(greetings.length > 0 && greetings.every((task) => task.dueAt.getTime() >= Date.now() - 8 * 86_400_000), `${greetings.length} greetings`);
    assert.equal(summary.tasks.worked, tasks.filter((task) => task.state === "done").length);
    const companyDays = await CompletionDay.find({ _id: { $in: [...new Set(tasks.map((task) => completionDayId("all", "all", task.dueDay)))] } }).lean();
    const sum = (counter: string) => companyDays.reduce((total, day) => total + Number((day.figures as Record<string, number>)[counter] ?? 0), 0);
    assert.equal(sum("tasksDone"), summary.tasks.worked, "the company's days count every task the guides did");
    assert.equal(steps.at(-1)?.step, "done");
    assert.equal(steps.at(-1)?.done, steps.at(-1)?.total);

    const again = await runDemo({ callbackUrl: sandbox.server.url, customers: 80, orders: 300 });
    await sandbox.settle();
    assert.equal(again.customersAdded, 0);
    assert.equal(again.groupJoins, 0);
    assert.equal(again.channelCodes.adds, 0);
    assert.equal(again.funnel.joins, 0);
    assert.equal(again.orders.created, 0);
    assert.equal(again.tasks.generated, 0);
    assert.equal(await Task.countDocuments(), tasks.length);
    assert.equal(await Customer.countDocuments(), 80);
    assert.equal(await Order.countDocuments(), orders);
  });

  it("runs through POST /sandbox/api/demo, one run at a time, with its progress at GET", async () => {
    const start = await fetch(`${sandbox.server.url}/sandbox/api/demo`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ customers: 20, orders: 60 }) });
    assert.equal(start.status, 202);
    const twice = await fetch(`${sandbox.server.url}/sandbox/api/demo`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    assert.equal(twice.status, 409);
    let status: DemoStatus;
    for (;;) {
      status = ((await (await fetch(`${sandbox.server.url}/sandbox/api/demo`)).json()) as { data: DemoStatus }).data;
      if (!status.running) {
        break;
      }
      await sleep(100);
    }
    assert.equal(status.error, null);
    assert.equal(status.step, "done");
    assert.equal(status.summary?.customersAdded, 20);
    assert.equal(await Customer.countDocuments(), 20);
  });
});
