import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import nock from "nock";
import { WeComApiError } from "../../server/errors.ts";
import { WeComClient, WeComNetworkError, paginate, type WeComClientOptions } from "../../server/wecom/client.ts";

const BASE = "https://qyapi.weixin.qq.com";
const CORP = "ww-corp";
const SECRETS = { contact: "contact-secret", agent: "agent-secret" };

type Query = Record<string, string>;
type Body = Record<string, unknown>;

const queryOf = (uri: string): Query => Object.fromEntries(new URL(uri, BASE).searchParams);

function client(overrides: Partial<WeComClientOptions> = {}): WeComClient {
  return new WeComClient({
    baseUrl: BASE,
    corpId: CORP,
    secrets: SECRETS,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    ...overrides,
  });
}

/**
 * A persistent gettoken endpoint. `answer` decides each reply (n = 1-based call number);
 * by default it hands out `<secret>#<n>` valid for 7200 s.
 */
function mockGettoken(answer?: (n: number, query: Query) => Body) {
  const calls: Query[] = [];
  nock(BASE)
    .persist()
    .get("/cgi-bin/gettoken")
    .query(true)
    .reply(200, (uri: string) => {
      const query = queryOf(uri);
      calls.push(query);
      const n = calls.length;
      return answer
        ? answer(n, query)
        : { errcode: 0, errmsg: "ok", access_token: `${query["corpsecret"]}#${n}`, expires_in: 7200 };
    });
  return calls;
}

/** A persistent GET endpoint whose reply is computed per request; returns the queries it saw. */
function mockGet(
  path: string,
  answer: (query: Query, n: number) => Body | [number, Body] | Promise<Body | [number, Body]>,
) {
  const calls: Query[] = [];
  nock(BASE)
    .persist()
    .get(path)
    .query(true)
    .reply(async (uri: string): Promise<[number, Body]> => {
      const query = queryOf(uri);
      calls.push(query);
      const result = await answer(query, calls.length);
      return Array.isArray(result) ? result : [200, result];
    });
  return calls;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  assert.fail("expected the call to reject");
}

describe("WeComClient", () => {
  before(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  after(() => nock.enableNetConnect());

  it("1. fetches the token once, caches it, sends it in the query, and keeps one token per secret", async () => {
    const tokenCalls = mockGettoken();
    const apiCalls = mockGet("/cgi-bin/user/get", (q) => ({ errcode: 0, errmsg: "ok", userid: q["userid"], seen: q["access_token"] }));
    const wecom = client();

    for (const userid of ["u1", "u2", "u3"]) {
      const res = await wecom.get<{ userid: string; seen: string }>("/cgi-bin/user/get", { userid, skip: undefined });
      assert.deepEqual(res, { errcode: 0, errmsg: "ok", userid, seen: "contact-secret#1" });
    }
    assert.equal(tokenCalls.length, 1);
    assert.deepEqual(tokenCalls[0], { corpid: CORP, corpsecret: "contact-secret" });
    assert.deepEqual(apiCalls[0], { userid: "u1", access_token: "contact-secret#1" }, "undefined query values are dropped");

    const agent = await wecom.get<{ seen: string }>("/cgi-bin/user/get", { userid: "u4" }, { secret: "agent" });
    assert.equal(agent.seen, "agent-secret#2");
    const again = await wecom.get<{ seen: string }>("/cgi-bin/user/get", { userid: "u5" });
    assert.equal(again.seen, "contact-secret#1");
    assert.deepEqual(tokenCalls.map((q) => q["corpsecret"]), ["contact-secret", "agent-secret"]);

    let posted: { query: Query; body: unknown } | undefined;
    nock(BASE)
      .post("/cgi-bin/externalcontact/remark")
      .query(true)
      .reply(200, (uri: string, body: unknown) => {
        posted = { query: queryOf(uri), body };
        return { errcode: 0, errmsg: "ok" };
      });
    await wecom.post("/cgi-bin/externalcontact/remark", { userid: "u1", remark: "VIP" }, { query: { debug: 1 } });
    assert.deepEqual(posted, { query: { debug: "1", access_token: "contact-secret#1" }, body: { userid: "u1", remark: "VIP" } });
    assert.equal(tokenCalls.length, 2);
  });

  it("1b. a missing secret is a clear error and makes no network call", async () => {
    const tokenCalls = mockGettoken();
    const wecom = client({ secrets: { contact: "contact-secret" } });
    const err = await rejection(wecom.get("/cgi-bin/user/get", {}, { secret: "agent" }));
    assert.ok(err instanceof Error);
    assert.match(err.message, /secret "agent" is not configured/);
    assert.equal(tokenCalls.length, 0);
  });

  it("2. token expiring in the middle of a burst of 30: one refresh, every call succeeds", async () => {
    const tokenCalls = mockGettoken((n) => ({ errcode: 0, errmsg: "ok", access_token: `token-${"AB"[n - 1] ?? n}`, expires_in: 7200 }));
    let acceptedWithA = 0;
    let rejectedA = 0;
    const apiCalls = mockGet("/cgi-bin/externalcontact/get", async (q) => {
      if (q["access_token"] === "token-A" && acceptedWithA < 5) {
        acceptedWithA++;
        return { errcode: 0, errmsg: "ok", external_userid: q["external_userid"], via: "A" };
      }
      if (q["access_token"] === "token-A") {
        // Stagger the rejections so some land after token B is cached: those must not evict B.
        await sleep(3 * rejectedA++);
        return { errcode: 42001, errmsg: "access_token expired" };
      }
      return { errcode: 0, errmsg: "ok", external_userid: q["external_userid"], via: "B" };
    });
    const wecom = client();

    const ids = Array.from({ length: 30 }, (_, i) => `wm${i}`);
    const results = await Promise.all(
      ids.map((id) => wecom.get<{ external_userid: string; via: string }>("/cgi-bin/externalcontact/get", { external_userid: id })),
    );

    assert.equal(tokenCalls.length, 2, "exactly one extra gettoken");
    assert.deepEqual(results.map((r) => r.external_userid), ids);
    assert.equal(results.filter((r) => r.via === "A").length, 5);
    assert.equal(results.filter((r) => r.via === "B").length, 25);
    assert.equal(apiCalls.length, 55, "30 first tries + 25 retries");
    // The fresh token stays cached: the next call neither refreshes nor fails.
    const later = await wecom.get<{ via: string }>("/cgi-bin/externalcontact/get", { external_userid: "wm99" });
    assert.equal(later.via, "B");
    assert.equal(tokenCalls.length, 2);
  });

  it("3a. 40014 → refresh and retry once → success", async () => {
    const tokenCalls = mockGettoken();
    const apiCalls = mockGet("/cgi-bin/user/get", (q, n) =>
      n === 1 ? { errcode: 40014, errmsg: "invalid access_token" } : { errcode: 0, errmsg: "ok", seen: q["access_token"] },
    );
    const res = await client().get<{ seen: string }>("/cgi-bin/user/get", { userid: "u1" });
    assert.equal(res.seen, "contact-secret#2");
    assert.equal(tokenCalls.length, 2);
    assert.deepEqual(apiCalls.map((q) => q["access_token"]), ["contact-secret#1", "contact-secret#2"]);
  });

  for (const [first, second] of [[42001, 42001], [40014, 42001]] as const) {
    it(`3b. expiry errors ${first} then ${second} → WeComApiError ${second}, no third try`, async () => {
      const tokenCalls = mockGettoken();
      const apiCalls = mockGet("/cgi-bin/user/get", (_q, n) => ({ errcode: n === 1 ? first : second, errmsg: "token trouble" }));
      const err = await rejection(client().get("/cgi-bin/user/get", { userid: "u1" }));
      assert.ok(err instanceof WeComApiError);
      assert.equal(err.errcode, second);
      assert.equal(err.errmsg, "token trouble");
      assert.equal(err.path, "/cgi-bin/user/get");
      assert.equal(tokenCalls.length, 2);
      assert.equal(apiCalls.length, 2);
    });
  }

  for (const errcode of [-1, 45009, 45033]) {
    it(`4a. errcode ${errcode} is retried, then succeeds`, async () => {
      mockGettoken();
      const apiCalls = mockGet("/cgi-bin/externalcontact/list", (_q, n) =>
        n <= 2 ? { errcode, errmsg: "slow down" } : { errcode: 0, errmsg: "ok", external_userid: ["wm1"] },
      );
      const res = await client().get<{ external_userid: string[] }>("/cgi-bin/externalcontact/list", { userid: "u1" });
      assert.deepEqual(res.external_userid, ["wm1"]);
      assert.equal(apiCalls.length, 3);
    });
  }

  it("4b. retried past the bound → WeComApiError with errcode, errmsg, path", async () => {
    mockGettoken();
    const apiCalls = mockGet("/cgi-bin/externalcontact/list", () => ({ errcode: 45033, errmsg: "api concurrent out of limit" }));
    const err = await rejection(client({ retry: { attempts: 2, baseDelayMs: 1 } }).get("/cgi-bin/externalcontact/list", { userid: "u1" }));
    assert.ok(err instanceof WeComApiError);
    assert.equal(err.errcode, 45033);
    assert.equal(err.errmsg, "api concurrent out of limit");
    assert.equal(err.path, "/cgi-bin/externalcontact/list");
    assert.equal(apiCalls.length, 3, "1 try + 2 retries");

    const busy = mockGet("/cgi-bin/user/get", () => ({ errcode: -1, errmsg: "system busy" }));
    const defaultBound = await rejection(client().get("/cgi-bin/user/get", { userid: "u1" }));
    assert.ok(defaultBound instanceof WeComApiError && defaultBound.errcode === -1);
    assert.equal(busy.length, 4, "default: 1 try + 3 retries");
  });

  it("5. another errcode (60111) → WeComApiError at once, no retry", async () => {
    mockGettoken();
    const scope = nock(BASE)
      .get("/cgi-bin/user/get")
      .query({ userid: "ghost", access_token: "contact-secret#1" })
      .once()
      .reply(200, { errcode: 60111, errmsg: "userid not found" });
    const err = await rejection(client().get("/cgi-bin/user/get", { userid: "ghost" }));
    assert.ok(err instanceof WeComApiError);
    assert.equal(err.errcode, 60111);
    assert.equal(err.errmsg, "userid not found");
    assert.equal(err.path, "/cgi-bin/user/get");
    assert.ok(scope.isDone());
    assert.deepEqual(nock.pendingMocks().filter((m) => m.includes("/user/get")), []);
  });

  it("6. gettoken 40001 rejects every waiter, is not cached, and the next call fetches again", async () => {
    const tokenCalls = mockGettoken((n, q) =>
      n === 1
        ? { errcode: 40001, errmsg: "invalid credential" }
        : { errcode: 0, errmsg: "ok", access_token: `${q["corpsecret"]}#${n}`, expires_in: 7200 },
    );
    const apiCalls = mockGet("/cgi-bin/user/get", (q) => ({ errcode: 0, errmsg: "ok", seen: q["access_token"] }));
    const wecom = client();

    const errors = await Promise.all([1, 2, 3].map(() => rejection(wecom.get("/cgi-bin/user/get", { userid: "u1" }))));
    for (const err of errors) {
      assert.ok(err instanceof WeComApiError);
      assert.equal(err.errcode, 40001);
      assert.equal(err.path, "/cgi-bin/gettoken");
      assert.doesNotMatch(err.message, /contact-secret/);
    }
    assert.equal(tokenCalls.length, 1, "the three waiters shared one gettoken");
    assert.equal(apiCalls.length, 0);

    const res = await wecom.get<{ seen: string }>("/cgi-bin/user/get", { userid: "u1" });
    assert.equal(res.seen, "contact-secret#2");
    assert.equal(tokenCalls.length, 2);
  });

  it("7. expiry by the injected clock refreshes without an error from WeCom", async () => {
    let now = 1_000_000;
    const tokenCalls = mockGettoken();
    const apiCalls = mockGet("/cgi-bin/user/get", (q) => ({ errcode: 0, errmsg: "ok", seen: q["access_token"] }));
    const wecom = client({ now: () => now });

    assert.equal((await wecom.get<{ seen: string }>("/cgi-bin/user/get")).seen, "contact-secret#1");
    now += (7200 - 301) * 1000; // still more than 5 min left: cached
    assert.equal((await wecom.get<{ seen: string }>("/cgi-bin/user/get")).seen, "contact-secret#1");
    now += 2_000; // inside the 5-min early-expiry margin: refreshed proactively
    assert.equal((await wecom.get<{ seen: string }>("/cgi-bin/user/get")).seen, "contact-secret#2");
    assert.equal(tokenCalls.length, 2);
    assert.equal(apiCalls.length, 3, "no call was answered with an expiry error");
  });

  it("8. HTTP 502 and network errors are retried, then succeed; past the bound → WeComNetworkError", async () => {
    mockGettoken();
    const apiCalls = mockGet("/cgi-bin/user/get", (_q, n) => (n === 1 ? [502, { message: "bad gateway" }] : { errcode: 0, errmsg: "ok", n }));
    assert.equal((await client().get<{ n: number }>("/cgi-bin/user/get")).n, 2);
    assert.equal(apiCalls.length, 2);

    nock(BASE)
      .get("/cgi-bin/user/list")
      .query(true)
      // An Error instance: nock 14 with a plain object never fails the request (axios hangs until its timeout).
      .replyWithError(Object.assign(new Error("socket hang up"), { code: "ECONNRESET" }));
    nock(BASE).get("/cgi-bin/user/list").query(true).reply(200, { errcode: 0, errmsg: "ok", userlist: [] });
    assert.deepEqual((await client().get<{ userlist: [] }>("/cgi-bin/user/list")).userlist, []);

    const down = mockGet("/cgi-bin/department/list", () => [503, {}]);
    const err = await rejection(client({ retry: { attempts: 1, baseDelayMs: 1 } }).get("/cgi-bin/department/list"));
    assert.ok(err instanceof WeComNetworkError);
    assert.equal(err.path, "/cgi-bin/department/list");
    assert.equal(err.status, 503);
    assert.equal(down.length, 2);
    assert.doesNotMatch(`${err.message} ${err.stack ?? ""}`, /contact-secret#/);
  });

  it("9. paginate follows next_cursor until it is empty", async () => {
    const pages: Record<string, { items: number[]; nextCursor?: string }> = {
      "": { items: [1, 2], nextCursor: "c1" },
      c1: { items: [3], nextCursor: "c2" },
      c2: { items: [4], nextCursor: "" },
    };
    const seen: string[] = [];
    const items: number[] = [];
    for await (const item of paginate((cursor) => {
      seen.push(cursor);
      return Promise.resolve(pages[cursor] ?? { items: [] });
    })) {
      items.push(item);
    }
    assert.deepEqual(items, [1, 2, 3, 4]);
    assert.deepEqual(seen, ["", "c1", "c2"]);
  });
});
