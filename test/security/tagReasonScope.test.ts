import assert from "node:assert/strict";
import mongoose from "mongoose";
import { Customer } from "../../server/models/Customer.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { TagApplication } from "../../server/models/TagApplication.ts";
import { consoleGet, useTestServer } from "../support/server.ts";
import { loginAs, type SessionClient } from "../support/sessions.ts";

// Store 101 (静安) is the manager's; store 102 (三里屯) is not. Each customer carries an auto-tag reason.
async function seedTwoStores(): Promise<void> {
  await Department.create([
    { departmentId: 101, name: "上海静安店", parentId: 1 },
    { departmentId: 102, name: "北京三里屯店", parentId: 1 },
  ]);
  await Employee.create([
    { userId: "guideA", name: "guideA", role: "guide", departmentIds: [101] },
    { userId: "guideB", name: "guideB", role: "guide", departmentIds: [102] },
  ]);
  await Customer.create([
    { externalUserId: "wmA", name: "王小姐" },
    { externalUserId: "wmB", name: "李先生" },
  ]);
  await Follow.create([
    { externalUserId: "wmA", userId: "guideA", status: "active", addedAt: new Date() },
    { externalUserId: "wmB", userId: "guideB", status: "active", addedAt: new Date() },
  ]);
  const ruleId = new mongoose.Types.ObjectId();
  await TagApplication.create([
    { _id: `${String(ruleId)}:wmA:guideA:etVIP`, ruleId, externalUserId: "wmA", userId: "guideA", tagId: "etVIP", reason: "扫码渠道 静安门店", at: new Date("2025-03-01T02:00:00Z") },
    { _id: `${String(ruleId)}:wmB:guideB:etVIP`, ruleId, externalUserId: "wmB", userId: "guideB", tagId: "etVIP", reason: "扫码渠道 三里屯门店", at: new Date("2025-03-02T02:00:00Z") },
  ]);
}

describe("tag reasons are scoped like the customer", () => {
  const context = useTestServer();
  let manager: SessionClient;

  beforeEach(async () => {
    await seedTwoStores();
    manager = await loginAs(context.server, { userId: "mgrA", role: "manager", scopeStoreIds: ["101"], departmentIds: [101] });
  });

  it("should refuse a manager another store's customer's tag reasons with 403 and nothing about the customer", async () => {
    const response = await manager.get("/api/console/customers/wmB/tag-reasons");
    assert.equal(response.status, 403);
    assert.deepEqual(response.body, { ok: false, status: 403, error: "authorization_error", message: "该客户不是您的客户" });
  });

  it("should answer a customer that does not exist exactly as one of another store", async () => {
    const response = await manager.get("/api/console/customers/wmNobody/tag-reasons");
    assert.equal(response.status, 403);
    assert.equal(response.body.message, "该客户不是您的客户");
  });

  it("should show a manager the tag reasons of their own store's customer", async () => {
    const response = await manager.get("/api/console/customers/wmA/tag-reasons");
    assert.equal(response.status, 200);
    const reasons = response.body.data as { userId: string; tagId: string; reason: string; at: string }[];
    assert.deepEqual(
      reasons.map(({ userId, tagId, reason, at }) => ({ userId, tagId, reason, at })),
      [{ userId: "guideA", tagId: "etVIP", reason: "扫码渠道 静安门店", at: "2025-03-01T02:00:00.000Z" }],
    );
  });

  it("should show admins (API token) and operators any customer's tag reasons", async () => {
    const admin = await consoleGet(context.server, "/api/console/customers/wmB/tag-reasons");
    assert.equal(admin.status, 200);
    assert.equal((admin.body.data as { reason: string }[])[0]?.reason, "扫码渠道 三里屯门店");
    const operator = await loginAs(context.server, { userId: "ops", role: "operator" });
    const answer = await operator.get("/api/console/customers/wmB/tag-reasons");
    assert.equal(answer.status, 200);
    assert.equal((answer.body.data as unknown[]).length, 1);
  });
});
