import assert from "node:assert/strict";
import { currentProgram } from "../../server/commands/programStore.ts";
import taskInserter, { type TaskDraft } from "../../server/commands/taskInserter.ts";
import { currentTaskRules } from "../../server/commands/taskRuleStore.ts";
import { chinaDate } from "../../server/domain/chinaTime.ts";
import { CompletionDay, completionDayId } from "../../server/models/CompletionDay.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Task } from "../../server/models/Task.ts";
import { workSandboxGuideTasks } from "../../server/sandbox/actions/guideTaskWork.ts";
import { GUIDES, STORES } from "../../server/sandbox/demoData.ts";
import { sandboxGuideDiligence, sandboxTaskPlan } from "../../server/sandbox/guideBehaviour.ts";
import { SandboxMessage } from "../../server/sandbox/models/index.ts";
import { waitFor } from "../../server/utils/async.ts";
import { resetDatabase } from "../support/hooks.ts";
import { startSandboxServer, type SandboxServer } from "./sandboxServer.ts";

const HOUR = 3_600_000;
const DUE = new Date("2026-11-20T12:00:00+08:00");
const PER_GUIDE = 30;

/** Tasks for every seeded guide, made by the task engine's inserter (so they count into the rollups). */
async function tasksForEveryGuide(customerOf: (userid: string, index: number) => string = (userid, index) => `wm-${userid}-${index}`): Promise<void> {
  const [{ rules }, { program }] = await Promise.all([currentTaskRules(), currentProgram()]);
  const drafts = GUIDES.flatMap((guide) =>
    Array.from({ length: PER_GUIDE }, (_, index): TaskDraft => ({
      occasion: { kind: "silent", id: `silent:${guide.userid}-${index}:2026-08-20`, dueAt: DUE, title: "90 天未购买", subject: {} },
      userId: guide.userid,
      externalUserId: customerOf(guide.userid, index),
      memberId: null,
      customerName: `客户${index}`,
    })),
  );
  await taskInserter(drafts, { rules, program, now: new Date(DUE.getTime() - 20 * HOUR) });
}

const doneShare = async (storeId: number) => (await Task.countDocuments({ storeId: String(storeId), state: "done" })) / (PER_GUIDE * 4);
const storeDay = async (storeId: number) => (await CompletionDay.findById(completionDayId("store", String(storeId), chinaDate(DUE))).lean())?.figures as Record<string, number> | undefined;

describe("sandbox guides work their tasks (guideTaskWork)", function () {
  this.timeout(120_000);
  let sandbox: SandboxServer;

  beforeEach(async () => {
    await resetDatabase();
    sandbox = await startSandboxServer();
    assert.equal((await fetch(`${sandbox.server.url}/sandbox/api/seed`, { method: "POST" })).status, 200);
    await sandbox.settle();
    assert.ok(await waitFor(async () => (await Employee.countDocuments({ userId: { $in: GUIDES.map((guide) => guide.userid) } })) === GUIDES.length, { timeoutMs: 20_000, intervalMs: 50 }));
  });

  afterEach(async () => {
    await sandbox.close();
  });

  it("should have a diligent store's guides do most of their tasks and a lax store's under half, each as planned, counted once", async () => {
    await tasksForEveryGuide();
    const counts = await workSandboxGuideTasks(new Date(DUE.getTime() + 5 * 24 * HOUR));
    assert.equal(counts.done + counts.left, GUIDES.length * PER_GUIDE);
    assert.equal(counts.later, 0);
    const [diligent, middle, lax] = [await doneShare(101), await doneShare(102), await doneShare(103)];
    assert.ok(diligent >= 0.75, `上海南京西路店 did ${diligent}`);
    assert.ok(lax <= 0.55 && lax >= 0.2, `杭州湖滨店 did ${lax}`);
    assert.ok(diligent > middle && middle > lax, `${diligent} > ${middle} > ${lax}`);

    // Every done task carries the guide's plan: its time (on time or late) and a result a guide gives.
    const done = await Task.find({ state: "done" }).lean();
    const byStore = new Map(STORES.map((store) => [store.id, store.taskDiligence]));
    const storeOf = new Map(GUIDES.map((guide) => [guide.userid, guide.main_department]));
    for (const task of done) {
      const plan = sandboxTaskPlan(task.userId, sandboxGuideDiligence(task.userId, byStore.get(storeOf.get(task.userId) ?? 0) ?? null), { id: task._id, createdAt: task.createdAt, dueAt: task.dueAt });
      assert.ok(plan, `${task._id} was planned`);
      assert.equal(task.doneAt?.getTime(), plan.at.getTime());
      assert.equal(task.result, plan.result);
      assert.equal(task.doneOnTime, plan.at.getTime() <= DUE.getTime());
    }
    assert.ok(done.some((task) => task.doneOnTime === false), "some are done late");
    assert.deepEqual([...new Set(done.map((task) => task.result))].sort(), ["contacted", "noReply", "sent"]);

    // The rollups took each completion once; a second pass moves nothing.
    const figures = await storeDay(101);
    assert.equal(figures?.tasksDone, await Task.countDocuments({ storeId: "101", state: "done" }));
    assert.equal(figures?.tasksOnTime, await Task.countDocuments({ storeId: "101", state: "done", doneOnTime: true }));
    const again = await workSandboxGuideTasks(new Date(DUE.getTime() + 6 * 24 * HOUR));
    assert.equal(again.done, 0);
    assert.deepEqual(await storeDay(101), figures);
  });

  it("should leave a task whose planned time has not come for a later pass", async () => {
    await tasksForEveryGuide();
    const early = await workSandboxGuideTasks(new Date(DUE.getTime() - 10 * HOUR));
    assert.ok(early.later > 0, "some are planned later in the day");
    const open = await Task.countDocuments({ state: "open" });
    const later = await workSandboxGuideTasks(new Date(DUE.getTime() + 5 * 24 * HOUR));
    assert.equal(later.done, early.later);
    assert.equal(await Task.countDocuments({ state: "open" }), open - early.later);
  });

  it("should put a sent suggestion into the chat's transcript once", async () => {
    // Customers that really follow the guides: the store's till code, scanned on the sandbox phone.
    const state = (await (await fetch(`${sandbox.server.url}/sandbox/api/state`)).json()) as { data: { contactWays: { config_id: string; state: string }[] } };
    const till = state.data.contactWays.find((way) => way.state === "store101-counter");
    assert.ok(till);
    const customers: string[] = [];
    for (let index = 0; index < 6; index++) {
      const scanned = (await (await fetch(`${sandbox.server.url}/sandbox/api/scan`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ configId: till.config_id }) })).json()) as { data: { external_userid: string } };
      customers.push(scanned.data.external_userid);
    }
    await sandbox.settle();
    await Task.deleteMany({});
    await tasksForEveryGuide((userid, index) => customers[index % customers.length] ?? "");
    await workSandboxGuideTasks(new Date(DUE.getTime() + 5 * 24 * HOUR));
    await workSandboxGuideTasks(new Date(DUE.getTime() + 6 * 24 * HOUR));
    const sent = await Task.find({ userId: "zhangxiaomei", result: "sent" }).lean();
    assert.ok(sent.length > 0);
    const lines = await SandboxMessage.find({ userid: "zhangxiaomei", kind: "sent_by_sidebar" }).lean();
    assert.equal(lines.length, sent.length);
    assert.deepEqual(lines.map((line) => line.at.getTime()).sort(), sent.map((task) => task.doneAt!.getTime()).sort());
    assert.ok(lines.every((line) => line.text.length > 0 && line.from === "zhangxiaomei"));
  });

  it("should tell the sandbox page each guide's habit: a diligent store's guide above a lax one's, none for an unknown member", async () => {
    const habit = async (userid: string) => ((await (await fetch(`${sandbox.server.url}/sandbox/api/guide-tasks?userid=${userid}`)).json()) as { data: { taskHabit: number | null } }).data.taskHabit;
    const diligent = await habit("zhangxiaomei");
    const lax = await habit("heli");
    assert.ok(diligent !== null && diligent >= 0.8 && diligent <= 0.96, `张晓梅 ${diligent}`);
    assert.ok(lax !== null && lax >= 0.34 && lax <= 0.5, `何丽 ${lax}`);
    assert.equal(await habit("nobody"), null);
  });
});
