// The sidebar's task routes: a guide's own list (今日 / 逾期 / 已完成, counts per tab and kind,
// paging), done by hand with a result or after the suggested message was sent, and nothing of
// another guide's, whatever the role of whoever opens the sidebar.
import assert from "node:assert/strict";
import { Follow } from "../../server/models/Follow.ts";
import { Task } from "../../server/models/Task.ts";
import { aCustomerWithFollow, aStore } from "../support/factories.ts";
import { useTestServer } from "../support/server.ts";
import { loginAs, type SessionClient } from "../support/sessions.ts";
import { aTask } from "./support.ts";

const NOW = new Date("2026-03-02T04:00:00Z");
const hours = (count: number) => new Date(NOW.getTime() + count * 3_600_000);

interface ListBody {
  data: {
    tasks: { id: string; kind: string; kindLabel: string; title: string; suggestion: string; customer: { name: string }; overdue: boolean; state: string; result: string | null; resultLabel: string }[];
    counts: { today: number; overdue: number; done: number };
    kinds: { kind: string; label: string; count: number }[];
  };
  pagination: { page: number; pageSize: number; total: number };
}

describe("the sidebar's task routes (/api/sidebar/tasks)", () => {
  const context = useTestServer({ now: () => NOW });
  let guideA: SessionClient;
  let guideB: SessionClient;
  let ids: Record<"birthday" | "benefit" | "silent" | "doneLastMonth" | "closed" | "otherGuide", string>;

  const list = async (client: SessionClient, query: string) => {
    const response = await client.get(`/api/sidebar/tasks${query}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body as unknown as ListBody;
  };

  beforeEach(async () => {
    await aStore(101, "上海静安店");
    await aCustomerWithFollow("wmA", "guideA", { name: "王小姐" });
    await aCustomerWithFollow("wmC", "guideA", { name: "陈女士" });
    await aCustomerWithFollow("wmB", "guideB", { name: "李先生" });
    guideA = await loginAs(context.server, { userId: "guideA", role: "guide", departmentIds: [101] });
    guideB = await loginAs(context.server, { userId: "guideB", role: "guide", departmentIds: [101] });
    ids = {
      birthday: await aTask({ kind: "birthday", userId: "guideA", externalUserId: "wmA", dueAt: hours(10), title: "生日 3月2日", suggestion: "王小姐生日快乐！" }),
      benefit: await aTask({ kind: "benefitExpiring", userId: "guideA", externalUserId: "wmA", dueAt: hours(30), title: "银卡专享券 2 天后过期" }),
      silent: await aTask({ kind: "silent", userId: "guideA", externalUserId: "wmC", dueAt: hours(-20), title: "90 天未购买" }),
      doneLastMonth: await aTask({ kind: "greeting", userId: "guideA", externalUserId: "wmC", dueAt: hours(-24 * 30), state: "done", doneAt: hours(-24 * 30), result: "sent" }),
      closed: await aTask({ kind: "repurchaseDue", userId: "guideA", externalUserId: "wmC", dueAt: hours(5), state: "closed", closedReason: "已复购" }),
      otherGuide: await aTask({ kind: "birthday", userId: "guideB", externalUserId: "wmB", dueAt: hours(10), title: "生日 3月2日" }),
    };
  });

  it("should list only the guide's own tasks per tab, soonest first, with the tabs' counts and the view's counts per kind", async () => {
    const today = await list(guideA, "?view=today");
    assert.deepEqual(today.data.tasks.map((task) => task.id), [ids.birthday, ids.benefit]);
    assert.deepEqual(today.data.counts, { today: 2, overdue: 1, done: 0 }, "a task done a month ago is out of 已完成 (7 days)");
    const first = today.data.tasks[0];
    assert.equal(first?.customer.name, "王小姐");
    assert.equal(first?.kindLabel, "生日关怀");
    assert.equal(first?.suggestion, "王小姐生日快乐！");
    assert.equal(first?.overdue, false);
    assert.deepEqual(today.data.kinds.filter((kind) => kind.count > 0).map((kind) => [kind.label, kind.count]), [["生日关怀", 1], ["权益即将过期", 1]]);
    assert.equal(today.data.kinds.length, 6, "every kind, in the sidebar's order");
    const overdue = await list(guideA, "?view=overdue");
    assert.deepEqual(overdue.data.tasks.map((task) => [task.customer.name, task.overdue]), [["陈女士", true]]);
    const theirs = await list(guideB, "?view=today");
    assert.deepEqual(theirs.data.tasks.map((task) => task.id), [ids.otherGuide]);
    assert.deepEqual(theirs.data.counts, { today: 1, overdue: 0, done: 0 });
  });

  it("should filter by kind, and page", async () => {
    const birthdays = await list(guideA, "?view=today&kind=birthday");
    assert.deepEqual(birthdays.data.tasks.map((task) => task.id), [ids.birthday]);
    assert.equal(birthdays.pagination.total, 1);
    assert.equal(birthdays.data.kinds.find((kind) => kind.kind === "benefitExpiring")?.count, 1, "the chips count the whole view");
    const pageTwo = await list(guideA, "?view=today&page=2&pageSize=1");
    assert.deepEqual(pageTwo.data.tasks.map((task) => task.id), [ids.benefit]);
    assert.deepEqual(pageTwo.pagination, { page: 2, pageSize: 1, total: 2 });
  });

  it("should list the chat's customer's open tasks of this guide only, and refuse another guide's customer", async () => {
    const ofWang = await guideA.get("/api/sidebar/customers/wmA/tasks");
    assert.equal(ofWang.status, 200, JSON.stringify(ofWang.body));
    assert.deepEqual((ofWang.body.data as { id: string }[]).map((task) => task.id), [ids.birthday, ids.benefit], "soonest due first");
    const ofChen = await guideA.get("/api/sidebar/customers/wmC/tasks");
    assert.deepEqual((ofChen.body.data as { id: string }[]).map((task) => task.id), [ids.silent], "done and closed tasks are not listed");
    const refused = await guideB.get("/api/sidebar/customers/wmA/tasks");
    assert.equal(refused.status, 403);
    assert.equal(refused.body.message, "该客户不是您的客户");
  });

  it("should refuse bad input naming the field, in Chinese where the field is ours", async () => {
    for (const [query, field] of [
      ["?view=week", /^view: 须为 today（今日）、overdue（逾期）或 done（已完成）$/],
      ["?kind=party", /^kind: 不是可选的任务类型$/],
      ["?pageSize=101", /^pageSize: /],
      ["?page=0", /^page: /],
    ] as const) {
      const response = await guideA.get(`/api/sidebar/tasks${query}`);
      assert.equal(response.status, 400, query);
      assert.match(String(response.body.message), field);
    }
    const sent = await guideA.send("POST", `/api/sidebar/tasks/${encodeURIComponent(ids.silent)}/done`, { result: "sent" });
    assert.equal(sent.status, 400);
    assert.equal(sent.body.message, "result: 请选择结果：联系上了、无回复或不需要");
    assert.equal((await Task.findById(ids.silent).lean())?.state, "open", "a refusal changes nothing");
  });

  it("should mark a task done with the result the guide picked, once, and move it to 已完成", async () => {
    const path = `/api/sidebar/tasks/${encodeURIComponent(ids.silent)}/done`;
    const done = await guideA.send("POST", path, { result: "noReply" });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const task = done.body.data as { state: string; result: string; resultLabel: string };
    assert.deepEqual([task.state, task.result, task.resultLabel], ["done", "noReply", "无回复"]);
    const again = await guideA.send("POST", path, { result: "contacted" });
    assert.equal(again.status, 200);
    assert.equal((again.body.data as { result: string }).result, "noReply", "a repeat leaves the first result");
    const stored = await Task.findById(ids.silent).lean();
    assert.equal(stored?.doneAt?.toISOString(), NOW.toISOString());
    assert.equal(stored?.doneOnTime, false, "done after its due time");
    const after = await list(guideA, "?view=done");
    assert.deepEqual(after.data.tasks.map((entry) => [entry.id, entry.resultLabel]), [[ids.silent, "无回复"]]);
    assert.deepEqual(after.data.counts, { today: 2, overdue: 0, done: 1 });
  });

  it("should record a sent suggestion as done with result sent", async () => {
    const sent = await guideA.send("POST", `/api/sidebar/tasks/${encodeURIComponent(ids.birthday)}/sent`, {});
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    const task = sent.body.data as { state: string; result: string; doneOnTime: boolean };
    assert.deepEqual([task.state, task.result, task.doneOnTime], ["done", "sent", true]);
  });

  it("should mark the guide's open tasks for a customer done when the sidebar sent anything into the chat, and not another guide's", async () => {
    await aCustomerWithFollow("wmShared", "guideA", { name: "共享客户" });
    await Follow.create({ externalUserId: "wmShared", userId: "guideB", status: "active", addedAt: NOW });
    const mine = await aTask({ kind: "greeting", userId: "guideA", externalUserId: "wmShared", dueAt: hours(2) });
    const theirs = await aTask({ kind: "greeting", userId: "guideB", externalUserId: "wmShared", dueAt: hours(2) });
    const sent = await guideA.send("POST", "/api/sidebar/customers/wmShared/sent", {});
    assert.equal(sent.status, 200, JSON.stringify(sent.body));
    assert.deepEqual((sent.body.data as { id: string; result: string }[]).map((task) => [task.id, task.result]), [[mine, "sent"]]);
    assert.equal((await Task.findById(theirs).lean())?.state, "open");
    const again = await guideA.send("POST", "/api/sidebar/customers/wmShared/sent", {});
    assert.deepEqual(again.body.data, [], "a second send has nothing left to do");
    const refused = await guideB.send("POST", "/api/sidebar/customers/wmC/sent", {});
    assert.equal(refused.status, 403);
    assert.equal((await Task.findById(ids.silent).lean())?.state, "open");
  });

  it("should refuse another guide's task with the same answer as a task that does not exist, and change nothing", async () => {
    const theirs = await guideA.send("POST", `/api/sidebar/tasks/${encodeURIComponent(ids.otherGuide)}/done`, { result: "contacted" });
    assert.equal(theirs.status, 403);
    assert.deepEqual(theirs.body, { ok: false, error: "authorization_error", status: 403, message: "该任务不是您的任务" });
    const missing = await guideA.send("POST", "/api/sidebar/tasks/birthday%3Anobody%3A2026/sent", {});
    assert.deepEqual(missing.body, theirs.body);
    assert.equal((await Task.findById(ids.otherGuide).lean())?.state, "open");
  });

  it("should show a manager or admin opening the sidebar their own tasks as a guide, not their stores'", async () => {
    const manager = await loginAs(context.server, { userId: "mgrA", role: "manager", scopeStoreIds: ["101"], departmentIds: [101] });
    await aCustomerWithFollow("wmM", "mgrA", { name: "店长的客户" });
    const own = await aTask({ kind: "greeting", userId: "mgrA", externalUserId: "wmM", dueAt: hours(3) });
    assert.deepEqual((await list(manager, "?view=today")).data.tasks.map((task) => task.id), [own]);
    const refused = await manager.send("POST", `/api/sidebar/tasks/${encodeURIComponent(ids.birthday)}/done`, { result: "contacted" });
    assert.equal(refused.status, 403);
    const admin = await loginAs(context.server, { userId: "boss", role: "admin" });
    assert.deepEqual((await list(admin, "?view=today")).data.tasks, []);
  });

  it("should refuse to mark a task that closed itself, saying why", async () => {
    const response = await guideA.send("POST", `/api/sidebar/tasks/${encodeURIComponent(ids.closed)}/done`, { result: "contacted" });
    assert.equal(response.status, 409);
    assert.equal(response.body.message, "该任务已自动关闭（已复购），无需再处理");
  });
});
