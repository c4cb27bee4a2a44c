import assert from "node:assert/strict";
import { Customer } from "../../server/models/Customer.ts";
import { Event } from "../../server/models/Event.ts";
import { Follow } from "../../server/models/Follow.ts";
import { consoleGet, startTestServer, useTestServer } from "../support/server.ts";

describe("console API", () => {
  const context = useTestServer();

  describe("authentication", () => {
    for (const [name, token] of [
      ["no token", null],
      ["a wrong token", "not-the-token-at-all"],
      ["an empty bearer", ""],
    ] as const) {
      it(`should answer 401 to ${name}`, async () => {
        const response = await consoleGet(context.server, "/api/console/events", token);
        assert.equal(response.status, 401);
        assert.equal(response.body.error, "authentication_required");
      });
    }

    it("should refuse everything when no SCRM_API_TOKEN is configured", async () => {
      const closed = await startTestServer({ apiToken: undefined });
      try {
        const response = await consoleGet(closed, "/api/console/events", "anything-at-all-1234");
        assert.equal(response.status, 401);
      } finally {
        await closed.close();
      }
    });
  });

  describe("GET /api/console/customers/:externalUserId", () => {
    it("should answer 404 for an unknown customer", async () => {
      const response = await consoleGet(context.server, "/api/console/customers/wmNobody");
      assert.equal(response.status, 404);
      assert.deepEqual(response.body, { ok: false, error: "not_found", status: 404, message: "customer not found" });
    });

    it("should present the customer without personal identifiers", async () => {
      await Customer.create({ externalUserId: "wmP1", name: "李女士", unionid: "oUNION_SECRET" });
      await Follow.create({ externalUserId: "wmP1", userId: "zhangsan", remark: "VIP", state: "s1", tagIds: ["etA"], addedAt: new Date(0) });
      const response = await consoleGet(context.server, "/api/console/customers/wmP1");
      assert.equal(response.status, 200);
      assert.equal(response.body.ok, true);
      const data = response.body.data as Record<string, unknown>;
      assert.equal(data.externalUserId, "wmP1");
      assert.equal(JSON.stringify(response.body).includes("oUNION_SECRET"), false);
      assert.deepEqual(data.follows, [
        { userId: "zhangsan", remark: "VIP", state: "s1", status: "active", tagIds: ["etA"], addedAt: "1970-01-01T00:00:00.000Z", addWay: 0 },
      ]);
    });
  });

  describe("GET /api/console/events", () => {
    beforeEach(async () => {
      const base = { type: "change_external_contact", orderKey: "customer:x", createTime: 1, payload: {}, nextAttemptAt: new Date() };
      await Event.insertMany([
        ...Array.from({ length: 25 }, (_, index) => ({
          ...base,
          dedupeKey: `failed-${index}`,
          status: "failed",
          attempts: 6,
          receivedAt: new Date(Date.UTC(2026, 0, 1, 0, index)),
          lastError: { message: "boom", errcode: 6000, path: "/cgi-bin/externalcontact/get", at: new Date(), attempt: 6 },
        })),
        { ...base, dedupeKey: "done-1", status: "done", receivedAt: new Date() },
      ]);
    });

    it("should list failed events newest first, paged, with their errors", async () => {
      const page2 = await consoleGet(context.server, "/api/console/events?status=failed&page=2&pageSize=10");
      assert.equal(page2.status, 200);
      assert.deepEqual(page2.body.pagination, { page: 2, pageSize: 10, total: 25 });
      const data = page2.body.data as { status: string; receivedAt: string; lastError: { errcode: number } }[];
      assert.equal(data.length, 10);
      assert.ok(data.every((event) => event.status === "failed" && event.lastError.errcode === 6000));
      assert.equal(data[0]?.receivedAt, new Date(Date.UTC(2026, 0, 1, 0, 14)).toISOString());
    });

    it("should name the field of a bad query and change nothing", async () => {
      const tooBig = await consoleGet(context.server, "/api/console/events?pageSize=1000");
      assert.equal(tooBig.status, 400);
      assert.equal(tooBig.body.message, "pageSize: must be ≤ 100");
      const badStatus = await consoleGet(context.server, "/api/console/events?status=exploded");
      assert.equal(badStatus.status, 400);
      assert.match(String(badStatus.body.message), /^status: /);
    });
  });

  describe("GET /healthz", () => {
    it("should answer 200 while the database is reachable", async () => {
      const response = await fetch(`${context.server.url}/healthz`);
      assert.equal(response.status, 200);
      assert.deepEqual(await response.json(), { ok: true, database: "up" });
    });
  });
});
