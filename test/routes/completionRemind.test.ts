// 催办 a whole region, and for headquarters the whole company, from 完成率: hundreds of guides in
// one app message per 1000, only those with open tasks, never more than twice a China day each
// (even when several clicks land at once), a manager cut to their stores, and every refusal
// sending nothing.
import assert from "node:assert/strict";
import { CompletionReminder } from "../../server/models/CompletionReminder.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Task } from "../../server/models/Task.ts";
import type { PresentedCompletionReminders, PresentedCompletionRemindPreview } from "../../server/presenters/completion.ts";
import { useTestServer } from "../support/server.ts";
import { loginAs, type SessionClient } from "../support/sessions.ts";
import { nockAppMessages, type SentAppMessage } from "../support/wecomNock.ts";

// 2026-12-05 10:00 in China.
const NOW = new Date("2026-12-05T02:00:00Z");
// 品牌 (1) → 华东区 (10): 静安店 101, 徐汇店 102, 长宁店 103; 华南区 (20): 天河店 201; 旗舰店 301 under the brand.
const STORES: [number, string, number][] = [
  [101, "静安店", 10],
  [102, "徐汇店", 10],
  [103, "长宁店", 10],
  [201, "天河店", 20],
  [301, "旗舰店", 1],
];
/** Guides per store: 华东区 holds 300. */
const PER_STORE = 100;
const guideId = (store: number, index: number) => `g${store}x${String(index).padStart(3, "0")}`;
/** Two guides of three have something open; the third has nothing to be reminded of. */
const hasOpenTask = (index: number) => index % 3 !== 0;

async function seed(perStore = PER_STORE): Promise<void> {
  await Department.create([{ departmentId: 1, name: "品牌", parentId: 0 }, { departmentId: 10, name: "华东区", parentId: 1 }, { departmentId: 20, name: "华南区", parentId: 1 }, ...STORES.map(([departmentId, name, parentId]) => ({ departmentId, name, parentId }))]);
  const guides = STORES.flatMap(([store]) => Array.from({ length: perStore }, (_, index) => ({ userId: guideId(store, index), name: `导购${store}-${index}`, mainDepartmentId: store, departmentIds: [store] })));
  await Employee.insertMany(guides);
  const tasks = STORES.flatMap(([store]) =>
    Array.from({ length: perStore }, (_, index) => index)
      .filter(hasOpenTask)
      .map((index) => ({ _id: `birthday:${guideId(store, index)}:2026`, kind: "birthday", userId: guideId(store, index), storeId: String(store), externalUserId: `wm${store}x${index}`, title: "生日 12月5日", dueAt: new Date("2026-12-05T12:00:00+08:00"), dueDay: "2026-12-05", createdAt: NOW })),
  );
  await Task.insertMany(tasks);
}

/** The guides of some stores who have open tasks, sorted. */
const openGuidesOf = (stores: number[], perStore = PER_STORE) => stores.flatMap((store) => Array.from({ length: perStore }, (_, index) => index).filter(hasOpenTask).map((index) => guideId(store, index))).sort();
const recipients = (sent: SentAppMessage[]) => sent.flatMap((message) => message.touser.split("|")).sort();

describe("催办 a region or the company (POST /api/console/completion/remind)", () => {
  const context = useTestServer({ now: () => NOW });
  let admin: SessionClient;
  let operator: SessionClient;

  beforeEach(async () => {
    admin = await loginAs(context.server, { userId: "boss", role: "admin" });
    operator = await loginAs(context.server, { userId: "ops", role: "operator" });
  });

  const remind = async (client: SessionClient, body: unknown) => {
    const response = await client.send("POST", "/api/console/completion/remind", body);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.data as PresentedCompletionReminders;
  };
  const preview = async (client: SessionClient, query: string) => {
    const response = await client.get(`/api/console/completion/remind/preview?${query}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    return response.body.data as PresentedCompletionRemindPreview;
  };

  it("reminds every store's guides of a region who have open tasks in one message, as the preview said", async () => {
    await seed();
    // Left the company, or a manager working in the store: in the region's stores, never reminded.
    await Employee.create({ userId: "gone", name: "已删除", mainDepartmentId: 101, departmentIds: [101], deleted: true });
    await Employee.create({ userId: "mgr101", name: "店长", mainDepartmentId: 101, departmentIds: [101], role: "manager", scopeStoreIds: ["101"] });
    await Task.create([
      { _id: "birthday:gone:2026", kind: "birthday", userId: "gone", storeId: "101", externalUserId: "wmGone", title: "生日", dueAt: NOW, dueDay: "2026-12-05", createdAt: NOW },
      { _id: "birthday:mgr101:2026", kind: "birthday", userId: "mgr101", storeId: "101", externalUserId: "wmMgr", title: "生日", dueAt: NOW, dueDay: "2026-12-05", createdAt: NOW },
    ]);
    const sent = nockAppMessages();
    assert.deepEqual(await preview(admin, "regionId=10"), { guides: 300, stores: 3, toRemind: 198, toRemindStores: 3, noOpenTasks: 102, limitReached: 0, cut: false });
    assert.equal(sent.length, 0, "the preview sends nothing");
    assert.equal(await CompletionReminder.countDocuments(), 0, "and claims nothing");

    const result = await remind(admin, { regionId: "10" });
    assert.equal(result.reminded, 198);
    assert.equal(result.message, "已催办 198 位导购，102 位未催办（102 位没有未完成的任务）");
    assert.ok(result.skipped.every((skip) => skip.code === "no_open_tasks" && skip.reason === "没有未完成的任务"));
    assert.equal(sent.length, 1, "198 guides, one textcard: touser takes 1000");
    assert.deepEqual(recipients(sent), openGuidesOf([101, 102, 103]));
    assert.match(sent[0]!.textcard.url, /\/sidebar\/tasks$/);
  });

  it("keeps each guide of a region to two reminders a China day, even when clicks land at once", async () => {
    await seed();
    const sent = nockAppMessages();
    // The store first, then the region three times at once: 101's guides have one left, the others two.
    await remind(admin, { storeId: "101" });
    const outcomes = await Promise.all([1, 2, 3].map(() => remind(admin, { regionId: "10" })));
    const perGuide = new Map<string, number>();
    for (const userId of sent.flatMap((message) => message.touser.split("|"))) {
      perGuide.set(userId, (perGuide.get(userId) ?? 0) + 1);
    }
    assert.deepEqual([...perGuide.keys()].sort(), openGuidesOf([101, 102, 103]));
    assert.deepEqual(
      [...perGuide.values()].filter((times) => times !== 2),
      [],
      "every guide with open tasks got exactly two",
    );
    assert.equal(outcomes.reduce((total, outcome) => total + outcome.reminded, 0), 66 + 2 * 132);
    const limited = outcomes.flatMap((outcome) => outcome.skipped.filter((skip) => skip.code === "daily_limit"));
    assert.equal(limited.length, 3 * 198 - (66 + 2 * 132));
    assert.ok(limited.every((skip) => skip.reason === "今天已催办 2 次，明天再试"));
    const counts = await CompletionReminder.find().lean();
    assert.equal(counts.length, 198);
    assert.ok(counts.every((reminder) => reminder.count === 2 && reminder.day === "2026-12-05"));

    assert.deepEqual(await preview(admin, "regionId=10"), { guides: 300, stores: 3, toRemind: 0, toRemindStores: 0, noOpenTasks: 102, limitReached: 198, cut: false });
    const fourth = await remind(admin, { regionId: "10" });
    assert.equal(fourth.message, "未催办任何导购（102 位没有未完成的任务，198 位今天已催办满 2 次）");
    assert.equal(sent.length, 1 + outcomes.filter((outcome) => outcome.reminded > 0).length, "one message per 催办 that reached someone; none once the day's reminders are used");
  });

  it("reminds the whole company for headquarters, 1000 guides a message", async () => {
    await seed(330);
    const sent = nockAppMessages();
    const all = openGuidesOf(STORES.map(([store]) => store), 330);
    assert.equal(all.length, 1100);
    assert.deepEqual(await preview(admin, "scope=company"), { guides: 1650, stores: 5, toRemind: 1100, toRemindStores: 5, noOpenTasks: 550, limitReached: 0, cut: false });
    const result = await remind(admin, { scope: "company" });
    assert.equal(result.reminded, 1100);
    assert.deepEqual(
      sent.map((message) => message.touser.split("|").length),
      [1000, 100],
    );
    assert.deepEqual(recipients(sent), all);
  });

  it("cuts a manager's region to their stores, and refuses a region or the company beyond them, sending nothing", async () => {
    await seed();
    const sent = nockAppMessages();
    const manager = await loginAs(context.server, { userId: "mgr", role: "manager", scopeStoreIds: ["101", "201"], departmentIds: [101] });
    assert.deepEqual(await preview(manager, "regionId=10"), { guides: 100, stores: 1, toRemind: 66, toRemindStores: 1, noOpenTasks: 34, limitReached: 0, cut: true });
    const result = await remind(manager, { regionId: "10" });
    assert.equal(result.reminded, 66);
    assert.deepEqual(recipients(sent), openGuidesOf([101]), "静安店 only: 徐汇店 and 长宁店 are not theirs");

    const other = await loginAs(context.server, { userId: "mgr102", role: "manager", scopeStoreIds: ["102"], departmentIds: [102] });
    for (const [body, message] of [
      [{ regionId: "20" }, /^regionId: 该区域没有您管辖的门店/],
      [{ regionId: "99" }, /^regionId: 该区域没有您管辖的门店/],
      [{ scope: "company" }, /^scope: 全公司催办仅总部可用/],
    ] as const) {
      const refused = await other.send("POST", "/api/console/completion/remind", body);
      assert.equal(refused.status, 403, JSON.stringify(body));
      assert.match(String(refused.body.message), message);
    }
    assert.equal((await other.get("/api/console/completion/remind/preview?regionId=20")).status, 403);
    assert.equal((await other.get("/api/console/completion/remind/preview?scope=company")).status, 403);
    assert.equal(sent.length, 1, "only the allowed 催办 went out");
    assert.equal(await CompletionReminder.countDocuments(), 66);
  });

  it("refuses a region that does not exist, the root, two selectors at once and malformed ones, naming the field; operators may not 催办 or preview", async () => {
    await seed(3);
    const sent = nockAppMessages();
    const cases: [unknown, number, RegExp][] = [
      [{ regionId: "99" }, 404, /^regionId: 该区域不存在/],
      [{ regionId: "1" }, 400, /^regionId: 这是企业的根部门/],
      [{ regionId: "华东区" }, 400, /^regionId: 不是有效的区域/],
      [{ storeId: "101", regionId: "10" }, 400, /^regionId: 只能选择门店、区域、全公司、导购中的一项，不能同时给 storeId 和 regionId/],
      [{ regionId: "10", scope: "company" }, 400, /^scope: 只能选择/],
      [{ regionId: "10", userIds: ["g101x001"] }, 400, /^userIds: 只能选择/],
      [{ scope: "all" }, 400, /^scope: 应为 company（全公司）/],
      [{}, 400, /^storeId: 请选择门店、区域、全公司、导购中的一项/],
    ];
    for (const [body, status, message] of cases) {
      const refused = await admin.send("POST", "/api/console/completion/remind", body);
      assert.equal(refused.status, status, JSON.stringify(body));
      assert.match(String(refused.body.message), message, JSON.stringify(body));
    }
    for (const [query, status, message] of [
      ["regionId=99", 404, /^regionId: 该区域不存在/],
      ["storeId=101&regionId=10", 400, /^regionId: 只能选择门店、区域、全公司中的一项/],
      ["", 400, /^storeId: 请选择门店、区域、全公司中的一项/],
    ] as const) {
      const refused = await admin.get(`/api/console/completion/remind/preview?${query}`);
      assert.equal(refused.status, status, query);
      assert.match(String(refused.body.message), message, query);
    }
    assert.equal((await operator.send("POST", "/api/console/completion/remind", { regionId: "10" })).status, 403);
    assert.equal((await operator.get("/api/console/completion/remind/preview?regionId=10")).status, 403);
    assert.equal(sent.length, 0);
    assert.equal(await CompletionReminder.countDocuments(), 0);
  });
});
