import assert from "node:assert/strict";
import nock from "nock";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { RoleChange } from "../../server/models/RoleChange.ts";
import { consoleGet, consoleSend, useTestServer } from "../support/server.ts";
import { loginAs } from "../support/sessions.ts";
import { AGENT_ACCESS_TOKEN as AGENT_TOKEN, nockAgentToken, wecomApi } from "../support/wecomNock.ts";

interface WeComDepartment {
  id: number;
  name: string;
  parentid: number;
  order: number;
}

interface WeComUser {
  userid: string;
  name: string;
  department: number[];
  main_department: number;
  position: string;
  status: number;
}

const ok = { errcode: 0, errmsg: "ok" };

/** The directory APIs the syncer reads with the app ("agent") secret, answering as often as asked. */
function nockDirectory(departments: WeComDepartment[], users: WeComUser[], overrides: Record<string, object> = {}): void {
  nockAgentToken();
  wecomApi()
    .get("/cgi-bin/department/simplelist")
    .query({ access_token: AGENT_TOKEN })
    .reply(200, { ...ok, department_id: departments.map(({ id, parentid, order }) => ({ id, parentid, order })) })
    .persist();
  for (const department of departments) {
    wecomApi().get("/cgi-bin/department/get").query({ access_token: AGENT_TOKEN, id: String(department.id) }).reply(200, { ...ok, department }).persist();
    const userlist = users.filter((user) => user.department.includes(department.id)).map(({ userid, name, department: ids }) => ({ userid, name, department: ids }));
    wecomApi().get("/cgi-bin/user/simplelist").query({ access_token: AGENT_TOKEN, department_id: String(department.id) }).reply(200, { ...ok, userlist }).persist();
  }
  for (const user of users) {
    wecomApi().get("/cgi-bin/user/get").query({ access_token: AGENT_TOKEN, userid: user.userid }).reply(200, overrides[user.userid] ?? { ...ok, ...user }).persist();
  }
}

const DEPARTMENTS: WeComDepartment[] = [
  { id: 1, name: "总部", parentid: 0, order: 100_000 },
  { id: 2, name: "徐汇店", parentid: 1, order: 200 },
  { id: 3, name: "静安店", parentid: 1, order: 100 },
];

const USERS: WeComUser[] = [
  { userid: "boss", name: "老板", department: [1], main_department: 1, position: "总经理", status: 1 },
  { userid: "mgr", name: "店长甲", department: [2], main_department: 2, position: "店长", status: 1 },
  { userid: "g1", name: "导购一", department: [2, 3], main_department: 2, position: "导购", status: 1 },
  { userid: "g2", name: "导购二", department: [3], main_department: 3, position: "导购", status: 2 },
];

/** What the database holds, without the timestamps a rewrite moves. */
async function directoryState() {
  const employees = await Employee.find({}, { _id: 0, createdAt: 0, updatedAt: 0 }).sort({ userId: 1 }).lean();
  const departments = await Department.find({}, { _id: 0, createdAt: 0, updatedAt: 0 }).sort({ departmentId: 1 }).lean();
  return { employees, departments };
}

describe("organisation: directory sync, employees, stores and roles", () => {
  const context = useTestServer();

  describe("POST /api/console/directory/sync", () => {
    it("should upsert departments and employees, mark the missing deleted, keep roles, and reach the same state when run twice", async () => {
      await Employee.create({ userId: "boss", name: "旧名字", role: "admin" });
      await Employee.create({ userId: "mgr", role: "manager", scopeStoreIds: ["2"] });
      await Employee.create({ userId: "gone", name: "离职者", departmentIds: [2] });
      await Department.create({ departmentId: 99, name: "已撤店" });
      nockDirectory(DEPARTMENTS, USERS);

      const first = await consoleSend(context.server, "POST", "/api/console/directory/sync", {});
      assert.equal(first.status, 200);
      assert.deepEqual(first.body.data, { departments: 3, employees: 4 });
      const afterFirst = await directoryState();

      const second = await consoleSend(context.server, "POST", "/api/console/directory/sync", {});
      assert.deepEqual(second.body.data, { departments: 3, employees: 4 });
      assert.deepEqual(await directoryState(), afterFirst);

      const byId = new Map(afterFirst.employees.map((employee) => [employee.userId, employee]));
      assert.equal(byId.get("boss")?.name, "老板");
      assert.equal(byId.get("boss")?.role, "admin");
      assert.deepEqual([byId.get("mgr")?.role, byId.get("mgr")?.scopeStoreIds], ["manager", ["2"]]);
      assert.deepEqual(
        [byId.get("g1")?.departmentIds, byId.get("g1")?.mainDepartmentId, byId.get("g1")?.position, byId.get("g1")?.role],
        [[2, 3], 2, "导购", "guide"],
      );
      assert.equal(byId.get("g2")?.wecomStatus, 2);
      assert.equal(byId.get("gone")?.deleted, true);
      assert.deepEqual(
        afterFirst.departments.map((department) => [department.departmentId, department.name, department.parentId, department.deleted]),
        [[1, "总部", 0, false], [2, "徐汇店", 1, false], [3, "静安店", 1, false], [99, "已撤店", null, true]],
      );
    });

    it("should bring back an employee WeCom lists again", async () => {
      await Employee.create({ userId: "g1", deleted: true, role: "operator" });
      nockDirectory(DEPARTMENTS, USERS);
      await consoleSend(context.server, "POST", "/api/console/directory/sync", {});
      const g1 = await Employee.findOne({ userId: "g1" }).lean();
      assert.deepEqual([g1?.deleted, g1?.role], [false, "operator"]);
    });

    it("should skip a member who left between the list and user/get (60111)", async () => {
      nockDirectory(DEPARTMENTS, USERS, { g2: { errcode: 60111, errmsg: "invalid userid" } });
      const response = await consoleSend(context.server, "POST", "/api/console/directory/sync", {});
      assert.deepEqual(response.body.data, { departments: 3, employees: 3 });
      assert.equal(await Employee.exists({ userId: "g2" }), null);
    });

    it("should change nothing when WeCom lists nobody (visible range empty)", async () => {
      await Employee.create({ userId: "boss", role: "admin" });
      nockDirectory([], []);
      const response = await consoleSend(context.server, "POST", "/api/console/directory/sync", {});
      assert.equal(response.status, 422);
      assert.equal(response.body.error, "directory_empty");
      assert.match(String(response.body.message), /^directory: /);
      assert.equal((await Employee.findOne({ userId: "boss" }).lean())?.deleted, false);
    });

    it("should answer 401 without credentials", async () => {
      const response = await fetch(`${context.server.url}/api/console/directory/sync`, { method: "POST" });
      assert.equal(response.status, 401);
      nock.cleanAll();
    });
  });

  describe("GET /api/console/employees and /stores", () => {
    beforeEach(async () => {
      await Department.create([
        { departmentId: 1, name: "总部", parentId: 0, order: 100_000 },
        { departmentId: 2, name: "徐汇店", parentId: 1, order: 200 },
        { departmentId: 3, name: "静安店", parentId: 1, order: 100 },
        { departmentId: 4, name: "已撤店", parentId: 1, deleted: true },
      ]);
      await Employee.create([
        { userId: "admin1", name: "管理员", departmentIds: [1], role: "admin" },
        { userId: "lisi", name: "李四", departmentIds: [3], position: "导购" },
        { userId: "wangwu", name: "王五", departmentIds: [2], role: "manager", scopeStoreIds: ["2"] },
        { userId: "zhangsan", name: "张三", departmentIds: [2, 3], position: "导购", wecomStatus: 4 },
        { userId: "zhaoliu", name: "赵六", departmentIds: [2], deleted: true },
      ]);
    });

    const userIds = (body: Record<string, unknown>) => (body.data as { userId: string }[]).map((employee) => employee.userId);

    it("should list employees who are not deleted, with their stores by name", async () => {
      const response = await consoleGet(context.server, "/api/console/employees");
      assert.equal(response.status, 200);
      assert.deepEqual(userIds(response.body), ["admin1", "lisi", "wangwu", "zhangsan"]);
      assert.deepEqual(response.body.pagination, { page: 1, pageSize: 20, total: 4 });
      assert.deepEqual((response.body.data as unknown[])[3], {
        userId: "zhangsan",
        name: "张三",
        position: "导购",
        storeIds: ["2", "3"],
        storeNames: ["徐汇店", "静安店"],
        role: "guide",
        scopeStoreIds: [],
        status: 4,
      });
    });

    it("should search by name or userId and filter by store and role", async () => {
      assert.deepEqual(userIds((await consoleGet(context.server, "/api/console/employees?q=张")).body), ["zhangsan"]);
      assert.deepEqual(userIds((await consoleGet(context.server, "/api/console/employees?q=LISI")).body), ["lisi"]);
      assert.deepEqual(userIds((await consoleGet(context.server, "/api/console/employees?q=.*")).body), []);
      assert.deepEqual(userIds((await consoleGet(context.server, "/api/console/employees?storeId=2")).body), ["wangwu", "zhangsan"]);
      assert.deepEqual(userIds((await consoleGet(context.server, "/api/console/employees?role=manager")).body), ["wangwu"]);
      assert.deepEqual(userIds((await consoleGet(context.server, "/api/console/employees?storeId=3&role=guide&q=")).body), ["lisi", "zhangsan"]);
    });

    it("should page", async () => {
      const response = await consoleGet(context.server, "/api/console/employees?page=2&pageSize=3");
      assert.deepEqual(userIds(response.body), ["zhangsan"]);
      assert.deepEqual(response.body.pagination, { page: 2, pageSize: 3, total: 4 });
    });

    it("should refuse bad filters, naming the field", async () => {
      const role = await consoleGet(context.server, "/api/console/employees?role=boss");
      assert.equal(role.status, 400);
      assert.equal(role.body.message, "role: must be one of admin, operator, manager, guide");
      assert.equal((await consoleGet(context.server, "/api/console/employees?storeId=abc")).body.message, "storeId: must be a store (department) id");
      assert.equal((await consoleGet(context.server, "/api/console/employees?pageSize=500")).body.message, "pageSize: must be ≤ 100");
    });

    it("should list stores that are not deleted, with employee counts", async () => {
      const response = await consoleGet(context.server, "/api/console/stores");
      assert.equal(response.status, 200);
      assert.deepEqual(response.body.data, [
        { id: "1", name: "总部", parentId: null, employeeCount: 1 },
        { id: "2", name: "徐汇店", parentId: "1", employeeCount: 2 },
        { id: "3", name: "静安店", parentId: "1", employeeCount: 2 },
      ]);
    });

    it("should show a manager only the stores in scope and the people in them", async () => {
      const manager = await loginAs(context.server, { userId: "mgr2", name: "店长乙", role: "manager", scopeStoreIds: ["2"], departmentIds: [2] });
      const all = await manager.get("/api/console/employees");
      assert.equal(all.status, 200);
      assert.deepEqual(userIds(all.body), ["mgr2", "wangwu", "zhangsan"]);
      assert.deepEqual(all.body.pagination, { page: 1, pageSize: 20, total: 3 });
      // Filters narrow within the scope, never widen it.
      assert.deepEqual(userIds((await manager.get("/api/console/employees?storeId=3")).body), ["zhangsan"]);
      assert.deepEqual(userIds((await manager.get("/api/console/employees?q=李四")).body), []);
      const stores = await manager.get("/api/console/stores");
      assert.deepEqual(stores.body.data, [{ id: "2", name: "徐汇店", parentId: "1", employeeCount: 3 }]);
    });

    it("should let an operator read the whole organisation", async () => {
      const operator = await loginAs(context.server, { userId: "op1", role: "operator", departmentIds: [1] });
      assert.deepEqual(userIds((await operator.get("/api/console/employees")).body), ["admin1", "lisi", "op1", "wangwu", "zhangsan"]);
      assert.equal(((await operator.get("/api/console/stores")).body.data as unknown[]).length, 3);
    });

    it("should answer 401 without credentials", async () => {
      assert.equal((await consoleGet(context.server, "/api/console/employees", null)).status, 401);
      assert.equal((await consoleGet(context.server, "/api/console/stores", null)).status, 401);
    });
  });

  describe("PUT /api/console/employees/:userId/role", () => {
    beforeEach(async () => {
      await Department.create([
        { departmentId: 2, name: "徐汇店" },
        { departmentId: 3, name: "静安店" },
        { departmentId: 4, name: "已撤店", deleted: true },
      ]);
      await Employee.create([
        { userId: "admin1", name: "管理员", role: "admin" },
        { userId: "zhangsan", name: "张三", departmentIds: [2] },
      ]);
    });

    const setRole = (userId: string, body: unknown) => consoleSend(context.server, "PUT", `/api/console/employees/${userId}/role`, body);

    it("should make a guide the manager of stores and record who did it", async () => {
      const response = await setRole("zhangsan", { role: "manager", scopeStoreIds: ["2", "3", "2"] });
      assert.equal(response.status, 200);
      assert.deepEqual(response.body.data, {
        userId: "zhangsan",
        name: "张三",
        position: "",
        storeIds: ["2"],
        storeNames: ["徐汇店"],
        role: "manager",
        scopeStoreIds: ["2", "3"],
        status: 1,
      });
      const changes = await RoleChange.find({ userId: "zhangsan" }, { _id: 0, changedAt: 0 }).lean();
      assert.deepEqual(changes, [
        { userId: "zhangsan", fromRole: "guide", fromScopeStoreIds: [], toRole: "manager", toScopeStoreIds: ["2", "3"], changedBy: "api_token" },
      ]);
    });

    it("should give roles other than manager no stores", async () => {
      await Employee.updateOne({ userId: "zhangsan" }, { $set: { role: "manager", scopeStoreIds: ["2"] } });
      const response = await setRole("zhangsan", { role: "operator", scopeStoreIds: ["2"] });
      assert.deepEqual([(response.body.data as { role: string }).role, (response.body.data as { scopeStoreIds: string[] }).scopeStoreIds], ["operator", []]);
      assert.deepEqual((await Employee.findOne({ userId: "zhangsan" }).lean())?.scopeStoreIds, []);
    });

    it("should refuse a bad role or scope, naming the field", async () => {
      const cases: [unknown, string | RegExp][] = [
        [{ role: "boss", scopeStoreIds: [] }, "role: must be one of admin, operator, manager, guide"],
        [{ scopeStoreIds: [] }, "role: must be one of admin, operator, manager, guide"],
        [{ role: "manager", scopeStoreIds: [] }, "scopeStoreIds: 店长至少需要管理一个门店"],
        [{ role: "manager" }, "scopeStoreIds: 店长至少需要管理一个门店"],
        [{ role: "manager", scopeStoreIds: ["x"] }, "scopeStoreIds.0: must be a store (department) id"],
        [{ role: "manager", scopeStoreIds: ["2", "42", "4"] }, "scopeStoreIds: 门店 42, 4 不存在"],
      ];
      for (const [body, message] of cases) {
        const response = await setRole("zhangsan", body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.body.message, message);
      }
      assert.equal((await Employee.findOne({ userId: "zhangsan" }).lean())?.role, "guide");
      assert.equal(await RoleChange.countDocuments(), 0);
    });

    it("should answer 404 for an unknown or deleted employee", async () => {
      await Employee.create({ userId: "gone", deleted: true });
      for (const userId of ["nobody", "gone"]) {
        const response = await setRole(userId, { role: "guide", scopeStoreIds: [] });
        assert.equal(response.status, 404);
        assert.equal(response.body.message, "employee not found");
      }
    });

    it("should refuse to demote the last admin (deleted admins do not count)", async () => {
      await Employee.create({ userId: "admin2", role: "admin", deleted: true });
      const response = await setRole("admin1", { role: "operator", scopeStoreIds: [] });
      assert.equal(response.status, 409);
      assert.match(String(response.body.message), /^role: 不能撤销最后一位管理员/);
      assert.equal((await Employee.findOne({ userId: "admin1" }).lean())?.role, "admin");
      assert.equal(await RoleChange.countDocuments(), 0);
    });

    it("should demote an admin when another admin remains", async () => {
      assert.equal((await setRole("zhangsan", { role: "admin", scopeStoreIds: [] })).status, 200);
      const response = await setRole("admin1", { role: "guide", scopeStoreIds: [] });
      assert.equal(response.status, 200);
      assert.equal((response.body.data as { role: string }).role, "guide");
      assert.equal(await Employee.countDocuments({ role: "admin" }), 1);
    });

    it("should leave exactly one admin when two demote each other at once", async () => {
      await setRole("zhangsan", { role: "admin", scopeStoreIds: [] });
      const answers = await Promise.all([setRole("admin1", { role: "guide", scopeStoreIds: [] }), setRole("zhangsan", { role: "guide", scopeStoreIds: [] })]);
      assert.ok(answers.some((answer) => answer.status === 409));
      assert.ok((await Employee.countDocuments({ role: "admin" })) >= 1);
    });
  });
});
