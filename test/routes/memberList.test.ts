import assert from "node:assert/strict";
import { Department } from "../../server/models/Department.ts";
import { consoleGet, consoleSend, useTestServer } from "../support/server.ts";
import { loginAs } from "../support/sessions.ts";

describe("the console member list", () => {
  const context = useTestServer();

  beforeEach(async () => {
    await Department.create([{ departmentId: 101, name: "静安店" }, { departmentId: 102, name: "三里屯店" }]);
    const orders = [
      { orderNo: "A1", amount: 10_000, storeId: "101", member: { phone: "13800000001", name: "王丽" } },
      { orderNo: "A2", amount: 150_000, storeId: "101", member: { phone: "13800000002", name: "王强" } },
      { orderNo: "B1", amount: 20_000, storeId: "102", member: { phone: "13800000003", name: "李娜" } },
    ];
    for (const order of orders) {
      const response = await consoleSend(context.server, "POST", "/api/console/orders", { channel: "store", paidAt: new Date().toISOString(), ...order });
      assert.equal(response.status, 201, JSON.stringify(response.body));
    }
  });

  const names = (body: Record<string, unknown>) => (body.data as { name: string }[]).map((member) => member.name).sort();

  it("should search by name, phone or member number, filter by level and store, and page", async () => {
    assert.deepEqual(names((await consoleGet(context.server, "/api/console/members")).body), ["李娜", "王丽", "王强"]);
    assert.deepEqual(names((await consoleGet(context.server, `/api/console/members?q=${encodeURIComponent("王")}`)).body), ["王丽", "王强"]);
    assert.deepEqual(names((await consoleGet(context.server, "/api/console/members?q=13800000003")).body), ["李娜"]);
    const all = (await consoleGet(context.server, "/api/console/members")).body.data as { memberNo: string; name: string; phone: string }[];
    const li = all.find((member) => member.name === "李娜");
    assert.equal(li?.phone, "138****0003");
    assert.deepEqual(names((await consoleGet(context.server, `/api/console/members?q=${li?.memberNo}`)).body), ["李娜"]);
    assert.deepEqual(names((await consoleGet(context.server, "/api/console/members?levelCode=silver")).body), ["王强"]);
    assert.deepEqual(names((await consoleGet(context.server, "/api/console/members?storeId=102")).body), ["李娜"]);
    const page = await consoleGet(context.server, "/api/console/members?page=2&pageSize=2");
    assert.equal((page.body.data as unknown[]).length, 1);
    assert.deepEqual(page.body.pagination, { page: 2, pageSize: 2, total: 3 });
    const bad = await consoleGet(context.server, "/api/console/members?pageSize=500");
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, "pageSize: must be ≤ 100");
  });

  it("should show a manager only the members of the stores in scope, whatever the filters say", async () => {
    const manager = await loginAs(context.server, { userId: "mgr101", role: "manager", scopeStoreIds: ["101"], departmentIds: [101] });
    assert.deepEqual(names((await manager.get("/api/console/members")).body), ["王丽", "王强"]);
    assert.deepEqual(names((await manager.get("/api/console/members?storeId=102")).body), []);
    assert.deepEqual(names((await manager.get("/api/console/members?q=13800000003")).body), []);
  });

  it("should page a member's orders and ledger, with level changes, within the actor's scope", async () => {
    const all = (await consoleGet(context.server, "/api/console/members?q=13800000002")).body.data as { memberNo: string }[];
    const memberNo = all[0]?.memberNo;
    const orders = await consoleGet(context.server, `/api/console/members/${memberNo}/orders`);
    assert.deepEqual((orders.body.data as { orderNo: string; amountFen: number }[]).map((order) => [order.orderNo, order.amountFen]), [["A2", 150_000]]);
    const ledger = await consoleGet(context.server, `/api/console/members/${memberNo}/ledger?account=growth`);
    assert.deepEqual((ledger.body.data as { account: string; delta: number }[]).map((entry) => [entry.account, entry.delta]), [["growth", 1500]]);
    assert.deepEqual((ledger.body.levelChanges as { to: string }[]).map((change) => change.to), ["silver"]);
    assert.deepEqual(ledger.body.pagination, { page: 1, pageSize: 20, total: 1 });
    const outsider = await loginAs(context.server, { userId: "mgr102", role: "manager", scopeStoreIds: ["102"], departmentIds: [102] });
    assert.equal((await outsider.get(`/api/console/members/${memberNo}/orders`)).status, 403);
    assert.equal((await outsider.get(`/api/console/members/${memberNo}/ledger`)).status, 403);
  });
});
