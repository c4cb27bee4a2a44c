import assert from "node:assert/strict";
import Koa from "koa";
import { AuthenticationError, ValidationError } from "../../server/errors.ts";
import { errorHandler } from "../../server/middlewares/errorHandler.ts";
import { requestLogger } from "../../server/middlewares/requestLogger.ts";
import { createRouter } from "../../server/routes/router.ts";
import { findLogLeaks, maskSecrets, recordLogs } from "../support/hooks.ts";
import { API_TOKEN, consoleSend, listenTestServer, startTestServer, useTestServer } from "../support/server.ts";
import { CONTACT_SECRET } from "../support/wecomSecrets.ts";

// The root hooks scan every line the suite logs; this is one direct run through the paths that
// used to leak (a malformed body echoed into a 500, phones in orders), checked line by line.

const PHONE = "13800138000";
const OTHER_PHONE = "13912345678";
const UNIONID = "oLeakUnion0001";

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

describe("what the server logs", () => {
  const context = useTestServer();

  describe("the leak scan", () => {
    it("should flag each kind of leak", () => {
      const leaky = [
        `{"msg":"x","body":"{\\"token\\":\\"${API_TOKEN}\\"}"}`,
        `{"msg":"call","url":"/cgi-bin/gettoken?corpsecret=${CONTACT_SECRET}"}`,
        `{"msg":"order","phone":"${PHONE}"}`,
        '{"msg":"order","member":"+86 139-1234-5678"}',
        '{"msg":"dup key: { _id: \\"unionid:oU_dup\\" }"}',
        `{"msg":"member","unionid":"${UNIONID}"}`,
        '{"msg":"refused","cookie":"scrm_sid=abc123; scrm_sid.sig=def"}',
        '{"msg":"wecom","query":"access_token=ACCESS_TOKEN_X"}',
        '{"msg":"wecom","access_token":"live-token-value"}',
      ];
      for (const line of leaky) {
        assert.notDeepEqual(findLogLeaks(line), [], line);
      }
    });

    it("should pass ids, times, masked values and redactions", () => {
      const clean = [
        '{"time":"2026-11-22T10:13:38.000Z","requestId":"13812345-6789-4abc-8def-138123456789","pid":41234,"msg":"request","ms":13.8}',
        '{"memberId":"0123456789abcdef01234567","hash":"13800138000aaaa13912345678bbbb","phone":"138****8000"}',
        '{"unionid":"[redacted]","access_token":"[redacted]","msg":"cookie scrm_sid=[redacted]"}',
        '{"msg":"request refused","reason":"unionid: is required"}',
      ];
      for (const line of clean) {
        assert.deepEqual(findLogLeaks(line), [], line);
      }
    });
  });

  it("should log refusals and failures without the body, token, phones, unionid or cookie", async () => {
    const { url } = context.server;
    const recorder = recordLogs();
    let sessionValue = "";
    try {
      const bootstrap = await post(`${url}/api/auth/bootstrap`, `{"token":"${API_TOKEN}","userId":"admin01",}`);
      assert.equal(bootstrap.status, 400);
      assert.deepEqual(await bootstrap.json(), { ok: false, error: "validation_error", status: 400, message: "body: 请求体不是有效的 JSON" });

      const batch = `{"orders":[{"channel":"tmall","orderNo":"T1","member":{"phone":"${PHONE}","unionid":"${UNIONID}"}},]}`;
      const malformed = await post(`${url}/api/console/orders`, batch, { authorization: `Bearer ${API_TOKEN}` });
      assert.equal(malformed.status, 400);

      const order = { channel: "tmall", orderNo: "T2", amount: 9900, paidAt: "2026-01-02T10:00:00+08:00", member: { phone: OTHER_PHONE, unionid: UNIONID } };
      assert.equal((await consoleSend(context.server, "POST", "/api/console/orders", order)).status, 201);
      const refused = await consoleSend(context.server, "POST", "/api/console/orders", { ...order, amount: "lots", member: { phone: PHONE } });
      assert.equal(refused.status, 400);

      // A session to carry on a request that fails inside: the cookie must not reach the line.
      const login = await post(`${url}/api/auth/bootstrap`, JSON.stringify({ token: API_TOKEN, userId: "admin01" }));
      assert.equal(login.status, 200);
      const cookie = login.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
      sessionValue = /scrm_sid=([^;]+)/.exec(cookie)?.[1] ?? "";
      assert.ok(sessionValue.length > 10, "bootstrap set the session cookie");
      // WeCom is unreachable (nock allows no network): an unknown error, answered 500 and logged.
      const failed = await post(`${url}/api/console/directory/sync`, JSON.stringify({ phone: PHONE }), { cookie, origin: url });
      assert.equal(failed.status, 500);
      assert.deepEqual(await failed.json(), { ok: false, error: "internal_error", status: 500, message: "internal error" });
    } finally {
      recorder.stop();
    }

    const lines = recorder.lines;
    const parsed = lines.map((line) => JSON.parse(line) as { msg: string; status?: number; reason?: string; err?: { type: string } });
    // The check below can only fail if lines are captured: the refusals and the failure are there.
    assert.ok(parsed.some((line) => line.msg === "request refused" && line.reason === "body: 请求体不是有效的 JSON"), "the refused bootstrap is logged");
    assert.ok(parsed.some((line) => line.msg === "unhandled error" && line.err?.type === "WeComNetworkError"), "the 500 is logged with its error");
    assert.ok(parsed.some((line) => line.msg === "request" && line.status === 201), "access lines are captured at debug level");
    for (const line of lines) {
      assert.deepEqual(findLogLeaks(line), [], maskSecrets(line));
      for (const [value, name] of [[API_TOKEN, "the API token"], [PHONE, "a phone"], [OTHER_PHONE, "a phone"], [UNIONID, "the unionid"], [sessionValue, "the session cookie"]] as const) {
        assert.equal(line.includes(value), false, `${name} in ${maskSecrets(line.split(value).join("<here>"))}`);
      }
    }
  });

  describe("refusals", () => {
    const refusals = (lines: string[]) =>
      lines.map((line) => JSON.parse(line) as { level: number; msg: string; status: number; route: string; suppressed?: number }).filter((line) => line.msg === "request refused");
    const WARN = 40;

    it("should write one warn line for a burst of 401s on any paths, and the rest at debug", async () => {
      const server = await startTestServer();
      const recorder = recordLogs();
      try {
        for (let index = 0; index < 40; index++) {
          const response = await fetch(`${server.url}/api/console/members/M${String(index).padStart(8, "0")}`);
          assert.equal(response.status, 401);
        }
      } finally {
        recorder.stop();
        await server.close();
      }
      const lines = refusals(recorder.lines);
      assert.equal(lines.length, 40, "every refusal is still on a line, at some level");
      assert.deepEqual(lines.filter((line) => line.level >= WARN).map(({ status, route }) => ({ status, route })), [{ status: 401, route: "(no route)" }]);
    });

    it("should write the next warn line after the window with how many it left out, per status and route", async () => {
      let clock = 0;
      const app = new Koa();
      const router = createRouter();
      router.get("/guarded/:id", () => {
        throw AuthenticationError("请先登录");
      });
      router.post("/checked", () => {
        throw ValidationError("name: is required");
      });
      app.use(requestLogger());
      app.use(errorHandler({ refusalLogWindowMs: 1000, now: () => clock }));
      app.use(router.routes());
      const server = await listenTestServer(app);
      const recorder = recordLogs();
      try {
        for (const at of [0, 10, 500, 999]) {
          clock = at;
          await fetch(`${server.url}/guarded/${at}`);
        }
        await fetch(`${server.url}/checked`, { method: "POST" });
        clock = 1000;
        await fetch(`${server.url}/guarded/last`);
      } finally {
        recorder.stop();
        await server.close();
      }
      const warned = refusals(recorder.lines).filter((line) => line.level >= WARN);
      assert.deepEqual(
        warned.map(({ status, route, suppressed }) => ({ status, route, suppressed })),
        [
          { status: 401, route: "/guarded/:id", suppressed: undefined },
          { status: 400, route: "/checked", suppressed: undefined },
          { status: 401, route: "/guarded/:id", suppressed: 3 },
        ],
      );
    });
  });
});
