import assert from "node:assert/strict";
import nock from "nock";
import unassignedSync from "../../server/commands/unassignedSync.ts";
import { CustomerTransfer } from "../../server/models/CustomerTransfer.ts";
import { aGroup } from "../support/factories.ts";
import { consoleGet, testWeComClient, useTestServer } from "../support/server.ts";
import { loginAs, type SessionClient } from "../support/sessions.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";
import { customersOf, nockContactUsers, nockTransferCalls, nockTransferResults, nockUnassigned, seedDirectory } from "../transfers/world.ts";

const AT = new Date("2026-06-01T02:00:00Z");
const DIMISSION = Math.floor(new Date("2026-05-30T10:00:00Z").getTime() / 1000);
const RESIGNED = "/cgi-bin/externalcontact/resigned/transfer_customer";

type Row = Record<string, unknown>;
const rows = (body: Record<string, unknown>) => body.data as Row[];

describe("transfers console API (离职继承)", () => {
  let clock = AT;
  const context = useTestServer({ now: () => clock });
  let jingan: SessionClient;
  let xuhui: SessionClient;
  let operator: SessionClient;
  let admin: SessionClient;

  beforeEach(async () => {
    clock = AT;
    await seedDirectory();
    // 林离职 left 静安店 with 3 customers and a group; 张走了 left 徐汇店 with one.
    await customersOf("gone1", ["wmA", "wmB", "wmC"]);
    await customersOf("gone2", ["wmZ"]);
    await aGroup("chat-j", "gone1", ["wmA"], "静安老客群");
    nockToken();
    nockContactUsers();
    nockUnassigned(
      [
        ...["wmA", "wmB", "wmC"].map((id) => ({ handover_userid: "gone1", external_userid: id, dimission_time: DIMISSION })),
        { handover_userid: "gone2", external_userid: "wmZ", dimission_time: DIMISSION + 60 },
      ],
      1000,
    );
    await unassignedSync({ wecom: testWeComClient(), now: AT });
    jingan = await loginAs(context.server, { userId: "mgr101", role: "manager", scopeStoreIds: ["101"], departmentIds: [101] });
    xuhui = await loginAs(context.server, { userId: "mgr102", role: "manager", scopeStoreIds: ["102"], departmentIds: [102] });
    operator = await loginAs(context.server, { userId: "ops", role: "operator" });
    admin = await loginAs(context.server, { userId: "boss", role: "admin" });
  });

  it("should answer 401 without a session", async () => {
    assert.equal((await consoleGet(context.server, "/api/console/transfers/unassigned", null)).status, 401);
  });

  it("should list the departed guides with their counts and the waiting customers with names, cut to a manager's stores", async () => {
    const departed = await admin.get("/api/console/transfers/departed");
    assert.deepEqual(rows(departed.body).map((guide) => [guide.name, guide.storeName, guide.customers, guide.groups]), [["张走了", "徐汇店", 1, 0], ["林离职", "静安店", 3, 1]]);
    const mine = await jingan.get("/api/console/transfers/departed");
    assert.deepEqual(rows(mine.body).map((guide) => guide.name), ["林离职"]);

    const all = await operator.get("/api/console/transfers/unassigned?pageSize=2");
    assert.equal((all.body.pagination as { total: number }).total, 4);
    assert.equal(rows(all.body).length, 2);
    const cut = await jingan.get("/api/console/transfers/unassigned");
    assert.deepEqual(rows(cut.body).map((row) => [row.customerName, row.handoverName, row.storeName]).sort(), [
      ["客户wmA", "林离职", "静安店"],
      ["客户wmB", "林离职", "静安店"],
      ["客户wmC", "林离职", "静安店"],
    ]);
    const searched = await jingan.get(`/api/console/transfers/unassigned?q=${encodeURIComponent("wmb")}`);
    assert.deepEqual(rows(searched.body).map((row) => row.customerName), ["客户wmB"]);
    const byGuide = await admin.get("/api/console/transfers/unassigned?handoverUserId=gone2");
    assert.deepEqual(rows(byGuide.body).map((row) => row.customerName), ["客户wmZ"]);

    const foreign = await jingan.get("/api/console/transfers/unassigned?storeId=102");
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.message, "storeId: 该门店不在您的管辖范围");
    assert.equal((await jingan.get("/api/console/transfers/departed?storeId=102")).status, 403);
  });

  it("should offer as takeover guides only the store's active guides with customer contact, by name", async () => {
    const candidates = await jingan.get("/api/console/transfers/candidates?handoverUserId=gone1");
    assert.deepEqual(rows(candidates.body).map((guide) => [guide.name, guide.storeName]), [["李娜", "静安店"], ["王小美", "静安店"]]);
    const foreign = await jingan.get("/api/console/transfers/candidates?handoverUserId=gone2");
    assert.equal(foreign.status, 403);
    const missing = await jingan.get("/api/console/transfers/candidates");
    assert.equal(missing.status, 400);
    assert.match(String(missing.body.message), /handoverUserId: 请选择原导购/);
  });

  it("should refuse bad input at the field with a Chinese message, changing nothing", async () => {
    const cases: [unknown, RegExp][] = [
      [{ kind: "resigned", items: [] }, /items: 请至少选择一名客户/],
      [{ kind: "moved", items: [{ externalUserId: "wmA", handoverUserId: "gone1" }] }, /kind: 转接类型应为离职继承或在职转接/],
      [{ kind: "resigned", items: [{ externalUserId: "", handoverUserId: "gone1" }] }, /items.0.externalUserId: 请选择客户/],
      [{ kind: "onjob", items: [{ externalUserId: "wmA", handoverUserId: "gone1" }], transferSuccessMsg: "好".repeat(201) }, /transferSuccessMsg: 转接提示语不能超过 200 个字/],
      [{ kind: "resigned", items: [{ externalUserId: "wmA", handoverUserId: "gone1", takeoverUserId: "ga3" }] }, /items.0.takeoverUserId: 导购「周杰」不在职，不能接替/],
      [{ kind: "resigned", items: [{ externalUserId: "wmA", handoverUserId: "gone1", takeoverUserId: "ga4" }] }, /items.0.takeoverUserId: 导购「吴新」没有客户联系权限，不能接替/],
    ];
    for (const [body, message] of cases) {
      const answer = await jingan.send("POST", "/api/console/transfers", body);
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.match(String(answer.body.message), message);
    }
    const page = await admin.get("/api/console/transfers?pageSize=0");
    assert.equal(page.status, 400);
    assert.match(String(page.body.message), /pageSize: 每页条数应在 1 到 100 之间/);
    const foreign = await xuhui.send("POST", "/api/console/transfers", { kind: "resigned", items: [{ externalUserId: "wmA", handoverUserId: "gone1", takeoverUserId: "gb1" }] });
    assert.equal(foreign.status, 400);
    assert.match(String(foreign.body.message), /客户「客户wmA」不属于您管理的门店/);
    assert.equal(await CustomerTransfer.countDocuments(), 0);
    // An operator reads, but does not move customers.
    assert.equal((await operator.send("POST", "/api/console/transfers", { kind: "resigned", items: [{ externalUserId: "wmA", handoverUserId: "gone1" }] })).status, 403);
  });

  it("should start round-robin, show each customer's outcome with names and state labels, and retry a full one; a manager sees only their stores' outcomes", async () => {
    nockTransferCalls(RESIGNED);
    const started = await jingan.send("POST", "/api/console/transfers", { kind: "resigned", items: ["wmA", "wmB", "wmC"].map((id) => ({ externalUserId: id, handoverUserId: "gone1", takeoverUserId: null })) });
    assert.equal(started.status, 201, JSON.stringify(started.body));
    assert.deepEqual(started.body.data && { accepted: (started.body.data as Row).accepted, refused: (started.body.data as Row).refused }, { accepted: 3, refused: 0 });
    nockTransferResults("/cgi-bin/externalcontact/resigned/transfer_result", ["wmA", "wmB", "wmC"], (id) => ({ wmA: 1, wmB: 4, wmC: 2 })[id]);
    // 徐汇店's manager sees no pair of theirs; 静安店's looks at WeCom for both of theirs.
    assert.deepEqual((await xuhui.send("POST", "/api/console/transfers/refresh", {})).body.data, { pairs: 0, finished: 0, pending: 0 });
    assert.deepEqual((await jingan.send("POST", "/api/console/transfers/refresh", {})).body.data, { pairs: 2, finished: 2, pending: 1 });
    const outcomes = await jingan.get("/api/console/transfers?subject=customer");
    assert.deepEqual(rows(outcomes.body).map((row) => [row.targetName, row.handoverName, row.takeoverName, row.stateLabel, row.reason, row.retryable]).sort(), [
      ["客户wmA", "林离职", "李娜", "已接替", "", false],
      ["客户wmB", "林离职", "王小美", "接替成员已满", "接替导购的客户数已达上限", true],
      ["客户wmC", "林离职", "李娜", "等待接替", "", false],
    ]);
    assert.deepEqual(rows((await xuhui.get("/api/console/transfers")).body), []);
    const full = rows(outcomes.body).find((row) => row.targetName === "客户wmB")!;
    assert.equal((await xuhui.send("POST", `/api/console/transfers/${encodeURIComponent(String(full.id))}/retry`, {})).status, 404);
    const retried = await jingan.send("POST", `/api/console/transfers/${encodeURIComponent(String(full.id))}/retry`, { takeoverUserId: "ga2" });
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    const history = await jingan.get("/api/console/transfers?state=takeover_full");
    assert.deepEqual(rows(history.body).map((row) => [row.targetName, row.retryable]), [["客户wmB", false]], "the first attempt is history once retried");
    const waiting = await jingan.get("/api/console/transfers?state=waiting");
    assert.deepEqual(rows(waiting.body).map((row) => [row.targetName, row.takeoverName, row.attempt]).sort(), [["客户wmB", "李娜", 1], ["客户wmC", "李娜", 1]]);
    const left = await jingan.get("/api/console/transfers/departed");
    assert.equal(rows(left.body)[0]?.customers, 2, "the done customer left the departed guide's count");
  });

  it("should read WeCom's unassigned list on demand (a guide left this morning), not for an operator", async () => {
    nock.cleanAll();
    nockToken();
    nockUnassigned([{ handover_userid: "gone2", external_userid: "wmZ", dimission_time: DIMISSION }], 1000);
    clock = new Date(AT.getTime() + 3_600_000);
    assert.equal((await operator.send("POST", "/api/console/transfers/unassigned/sync", {})).status, 403);
    const synced = await jingan.send("POST", "/api/console/transfers/unassigned/sync", {});
    assert.equal(synced.status, 200);
    assert.deepEqual(synced.body.data, { listed: 1, groups: 1, removed: 3, guides: 2 });
    // 林离职's customers were given away in WeCom, but the group still waits for its new owner.
    assert.deepEqual(rows((await admin.get("/api/console/transfers/departed")).body).map((guide) => [guide.name, guide.customers, guide.groups]), [["张走了", 1, 0], ["林离职", 0, 1]]);
  });

  it("should list a guide who left only groups to their store's manager, with the groups' names, and let that manager alone move them", async () => {
    // 陈晨 took 张走了's customer in WeCom; 张走了's two groups still wait.
    await aGroup("chat-x1", "gone2", ["wmZ"], "徐汇一群");
    await aGroup("chat-x2", "gone2", [], "徐汇二群");
    nock.cleanAll();
    nockToken();
    nockContactUsers();
    nockUnassigned(["wmA", "wmB", "wmC"].map((id) => ({ handover_userid: "gone1", external_userid: id, dimission_time: DIMISSION })), 1000, ["chat-j", "chat-x1", "chat-x2"]);
    clock = new Date(AT.getTime() + 3_600_000);
    assert.deepEqual((await xuhui.send("POST", "/api/console/transfers/unassigned/sync", {})).body.data, { listed: 3, groups: 3, removed: 1, guides: 2 });
    const mine = await xuhui.get("/api/console/transfers/departed");
    assert.deepEqual(rows(mine.body).map((guide) => [guide.name, guide.storeName, guide.customers, guide.groups, guide.groupNames]), [["张走了", "徐汇店", 0, 2, ["徐汇一群", "徐汇二群"]]]);
    assert.deepEqual(rows((await jingan.get("/api/console/transfers/departed")).body).map((guide) => guide.name), ["林离职"]);
    assert.equal((await jingan.get("/api/console/transfers/departed?storeId=102")).status, 403);
    assert.equal((await jingan.get("/api/console/transfers/groups?handoverUserId=gone2")).status, 403);
    assert.equal((await jingan.send("POST", "/api/console/transfers/groups", { kind: "resigned", handoverUserId: "gone2", takeoverUserId: "ga1", chatIds: ["chat-x1"] })).status, 400);

    const owned = await xuhui.get("/api/console/transfers/groups?handoverUserId=gone2");
    assert.deepEqual(rows(owned.body).map((group) => group.name), ["徐汇一群", "徐汇二群"]);
    assert.deepEqual(rows((await xuhui.get("/api/console/transfers/candidates?handoverUserId=gone2")).body).map((guide) => guide.name), ["陈晨", "赵敏"]);
    wecomApi().post("/cgi-bin/externalcontact/groupchat/transfer").query(true).reply(200, { errcode: 0, errmsg: "ok", failed_chat_list: [] });
    const moved = await xuhui.send("POST", "/api/console/transfers/groups", { kind: "resigned", handoverUserId: "gone2", takeoverUserId: "gb1", chatIds: ["chat-x1", "chat-x2"] });
    assert.deepEqual(moved.body.data, { done: 2, refused: 0 });
    assert.deepEqual(rows((await xuhui.get("/api/console/transfers/departed")).body).map((guide) => [guide.name, guide.groups, guide.groupNames]), [["张走了", 0, []]]);
  });

  it("should move a departed guide's group and refuse another manager", async () => {
    wecomApi().post("/cgi-bin/externalcontact/groupchat/transfer").query(true).reply(200, { errcode: 0, errmsg: "ok", failed_chat_list: [] });
    const foreign = await xuhui.send("POST", "/api/console/transfers/groups", { kind: "resigned", handoverUserId: "gone1", takeoverUserId: "gb1", chatIds: ["chat-j"] });
    assert.equal(foreign.status, 400);
    assert.match(String(foreign.body.message), /handoverUserId: 该导购不属于您管理的门店/);
    const owned = await jingan.get("/api/console/transfers/groups?handoverUserId=gone1");
    assert.deepEqual(owned.body.data, [{ chatId: "chat-j", name: "静安老客群", customerCount: 1 }]);
    assert.equal((await xuhui.get("/api/console/transfers/groups?handoverUserId=gone1")).status, 403);
    const moved = await jingan.send("POST", "/api/console/transfers/groups", { kind: "resigned", handoverUserId: "gone1", takeoverUserId: "ga1", chatIds: ["chat-j"] });
    assert.deepEqual(moved.body.data, { done: 1, refused: 0 });
    const groups = await jingan.get("/api/console/transfers?subject=group");
    assert.deepEqual(rows(groups.body).map((row) => [row.targetName, row.takeoverName, row.stateLabel]), [["静安老客群", "王小美", "已接替"]]);
  });
});
