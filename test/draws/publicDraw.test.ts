import assert from "node:assert/strict";
import crypto from "node:crypto";
import { recordLogs } from "../support/hooks.ts";
import { useTestServer } from "../support/server.ts";
import { anEmployee, aCustomerWithFollow } from "../support/factories.ts";
import { loginAs } from "../support/sessions.ts";
import { DRAW_TOKEN_TTL_MS, issueDrawToken, personalDrawLink } from "../../server/security/drawTokens.ts";
import { aRunningDraw, CookieJar, participantClaims } from "./publicSupport.ts";

interface Answer {
  status: number;
  body: { ok?: boolean; data?: Record<string, unknown>; error?: string; message?: string; errors?: string[] };
}

describe("the public draw page /draw/:slug (personal links, draws, refusals)", function () {
  this.timeout(60_000);
  const context = useTestServer();
  const url = (path: string) => `${context.server.url}${path}`;

  /** Open a personal link the way a phone does; the jar then holds the participant cookie. */
  async function openLink(slug: string, externalUserId: string, jar: CookieJar, now = new Date()): Promise<Response> {
    const link = personalDrawLink({ slug, externalUserId, now, origin: context.server.url });
    const response = await fetch(link, { redirect: "manual", headers: { cookie: jar.header() } });
    jar.take(response);
    return response;
  }

  async function call(method: string, path: string, jar: CookieJar, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(url(path), {
      method,
      headers: { cookie: jar.header(), ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Answer["body"] };
  }

  it("should exchange a personal link's token for a signed, httpOnly, Lax participant cookie on the draw's path, and take the token off the address bar", async () => {
    const draw = await aRunningDraw();
    const jar = new CookieJar();
    const response = await openLink(draw.slug, "wmAlice", jar);
    assert.equal(response.status, 302);
    assert.equal(response.headers.get("location"), `/draw/${draw.slug}`);
    const line = response.headers.getSetCookie().find((entry) => entry.startsWith("scrm_draw="));
    assert.ok(line, "the participant cookie is set");
    assert.match(line, /path=\/draw\/pub-/);
    assert.match(line, /httponly/i);
    assert.match(line, /samesite=lax/i);
    assert.equal(participantClaims(jar.get("scrm_draw") ?? "").k, "ext:wmAlice");
    const state = await call("GET", `/draw/${draw.slug}/api/state`, jar);
    assert.equal(state.status, 200);
    assert.equal(state.body.data?.canDraw, true);
    assert.equal(state.body.data?.status, "open");
  });

  it("should refuse a tampered, forged, expired or other draw's token: no cookie, the page says the link is invalid, the log has no token", async () => {
    const draw = await aRunningDraw();
    const other = await aRunningDraw();
    const logs = recordLogs();
    try {
      const good = issueDrawToken({ slug: draw.slug, externalUserId: "wmAlice", now: new Date() });
      const [body = "", signature = ""] = good.split(".");
      const tampered = `${Buffer.from(JSON.stringify({ ...(JSON.parse(Buffer.from(body, "base64url").toString()) as object), e: "wmMallory" })).toString("base64url")}.${signature}`;
      const forged = `${body}.${crypto.createHmac("sha256", "not-the-server-key").update(body).digest("base64url")}`;
      const expired = issueDrawToken({ slug: draw.slug, externalUserId: "wmAlice", now: new Date(Date.now() - DRAW_TOKEN_TTL_MS - 60_000) });
      const otherDraws = issueDrawToken({ slug: other.slug, externalUserId: "wmAlice", now: new Date() });
      for (const token of [tampered, forged, expired, otherDraws]) {
        const jar = new CookieJar();
        const response = await fetch(url(`/draw/${draw.slug}?t=${token}`), { redirect: "manual" });
        jar.take(response);
        assert.equal(response.status, 302);
        assert.equal(response.headers.get("location"), `/draw/${draw.slug}?link=invalid`);
        assert.equal(jar.get("scrm_draw"), undefined, "no participant cookie");
        const refused = await call("POST", `/draw/${draw.slug}/api/draws`, jar, { requestId: crypto.randomUUID() });
        assert.equal(refused.status, 401);
      }
      assert.ok(logs.lines.filter((line) => line.includes("draw credential refused")).length >= 4);
      assert.ok(logs.lines.every((line) => !line.includes(signature) && !line.includes(body)), "no token in the log");
    } finally {
      logs.stop();
    }
  });

  it("should answer a retried draw request (same requestId) with the same result, without drawing again", async () => {
    const draw = await aRunningDraw({ limits: { perDay: 2, total: null, maxWins: null } });
    const jar = new CookieJar();
    await openLink(draw.slug, "wmBob", jar);
    const requestId = crypto.randomUUID();
    const first = await call("POST", `/draw/${draw.slug}/api/draws`, jar, { requestId });
    const again = await call("POST", `/draw/${draw.slug}/api/draws`, jar, { requestId });
    assert.equal(first.status, 200);
    assert.equal(again.status, 200);
    assert.equal(again.body.data?.replayed, true);
    assert.deepEqual(again.body.data?.prize, first.body.data?.prize);
    assert.deepEqual((again.body.data?.win as { winId?: string } | null)?.winId, (first.body.data?.win as { winId?: string } | null)?.winId);
    const state = await call("GET", `/draw/${draw.slug}/api/state`, jar);
    assert.deepEqual(state.body.data?.left, { today: 1, total: null }, "one draw used, not two");
  });

  it("should refuse a bad requestId naming the field, a draw without a participant, and a write from another site", async () => {
    const draw = await aRunningDraw();
    const jar = new CookieJar();
    const anonymous = await call("POST", `/draw/${draw.slug}/api/draws`, jar, { requestId: crypto.randomUUID() });
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.body.message ?? "", /链接|微信/);
    await openLink(draw.slug, "wmCarol", jar);
    const bad = await call("POST", `/draw/${draw.slug}/api/draws`, jar, { requestId: "12345" });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message ?? "", /^requestId: /);
    const crossSite = await call("POST", `/draw/${draw.slug}/api/draws`, jar, { requestId: crypto.randomUUID() }, { origin: "https://evil.example" });
    assert.equal(crossSite.status, 403);
    const state = await call("GET", `/draw/${draw.slug}/api/state`, jar);
    assert.deepEqual(state.body.data?.left, { today: 3, total: null }, "nothing was drawn");
  });

  it("should refuse in Chinese: 未开始, 已结束, 不符合参与条件, 次数已用完, 奖品已抽完", async () => {
    const hour = 3600_000;
    const cases: [string, Parameters<typeof aRunningDraw>[0], number, RegExp][] = [
      ["not started", { startsAt: new Date(Date.now() + hour), endsAt: new Date(Date.now() + 2 * hour) }, 1, /尚未开始/],
      ["ended", { startsAt: new Date(Date.now() - 2 * hour), endsAt: new Date(Date.now() - hour) }, 1, /已结束/],
      ["not eligible", { eligibility: { levels: [], tagIds: ["etVip"], segmentId: null, guideUserIds: [], funnelId: null } }, 1, /不符合|仅限/],
      ["out of draws", { limits: { perDay: 1, total: null, maxWins: null } }, 2, /次数已用完/],
      ["sold out", { limits: { perDay: 5, total: null, maxWins: null }, prizes: [{ name: "保温杯", kind: "physical", weight: 1, stock: 1 }] }, 2, /已全部抽完/],
    ];
    for (const [what, overrides, attempts, message] of cases) {
      const draw = await aRunningDraw(overrides);
      const jar = new CookieJar();
      await openLink(draw.slug, `wm${what.replace(/\s/g, "")}`, jar);
      let last: Answer | null = null;
      for (let attempt = 0; attempt < attempts; attempt += 1) {
        last = await call("POST", `/draw/${draw.slug}/api/draws`, jar, { requestId: crypto.randomUUID() });
      }
      assert.ok(last && last.status >= 400 && last.status < 500, `${what}: ${last?.status}`);
      assert.match(last.body.message ?? "", message, what);
      const state = await call("GET", `/draw/${draw.slug}/api/state`, jar);
      assert.equal(state.body.data?.canDraw, false, what);
      assert.match(String(state.body.data?.reason), message, `${what}: the page says why`);
    }
  });

  it("should take a winner's address for a physical prize, refuse a bad phone at its field, and show the phone masked", async () => {
    const draw = await aRunningDraw({ prizes: [{ name: "保温杯", kind: "physical", weight: 1, stock: 10 }] });
    const jar = new CookieJar();
    await openLink(draw.slug, "wmDan", jar);
    const drawn = await call("POST", `/draw/${draw.slug}/api/draws`, jar, { requestId: crypto.randomUUID() });
    const winId = (drawn.body.data?.win as { winId: string; needsAddress: boolean }).winId;
    assert.equal((drawn.body.data?.win as { needsAddress: boolean }).needsAddress, true);
    const bad = await call("POST", `/draw/${draw.slug}/api/wins/${winId}/address`, jar, { name: "王丹", phone: "12345", region: "上海市 浦东新区", detail: "世纪大道 1 号" });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message ?? "", /^phone: 请填写 11 位手机号/);
    const good = await call("POST", `/draw/${draw.slug}/api/wins/${winId}/address`, jar, { name: "王丹", phone: "13812345678", region: "上海市 浦东新区", detail: "世纪大道 1 号" });
    assert.equal(good.status, 200);
    const win = (good.body.data?.wins as { winId: string; needsAddress: boolean; address: { phoneMasked: string } }[]).find((entry) => entry.winId === winId);
    assert.equal(win?.needsAddress, false);
    assert.equal(win?.address.phoneMasked, "138****5678");
    // Someone else's cookie cannot write this winner's address.
    const stranger = new CookieJar();
    await openLink(draw.slug, "wmEve", stranger);
    const foreign = await call("POST", `/draw/${draw.slug}/api/wins/${winId}/address`, stranger, { name: "伊芙", phone: "13900000000", region: "北京市", detail: "某地" });
    assert.ok(foreign.status >= 400 && foreign.status < 500);
  });

  it("should give a guide a personal link for a customer they follow, and refuse one they do not", async () => {
    const draw = await aRunningDraw();
    await anEmployee("guideA");
    await aCustomerWithFollow("wmFollowed", "guideA");
    await aCustomerWithFollow("wmOther", "guideB");
    const guide = await loginAs(context.server, { userId: "guideA" });
    const listed = await guide.send("GET", "/api/sidebar/draws");
    assert.equal(listed.status, 200);
    assert.deepEqual((listed.body.data as { name: string }[]).map((entry) => entry.name), ["双十二幸运抽奖"]);
    const made = await guide.send("POST", "/api/sidebar/draw-links", { drawId: String(draw._id), externalUserId: "wmFollowed" });
    assert.equal(made.status, 201);
    const link = (made.body.data as { url: string; text: string }).url;
    assert.match(link, new RegExp(`/draw/${draw.slug}\\?t=`));
    assert.ok((made.body.data as { text: string }).text.includes(link));
    const jar = new CookieJar();
    const opened = await fetch(link, { redirect: "manual" });
    jar.take(opened);
    assert.equal(participantClaims(jar.get("scrm_draw") ?? "").k, "ext:wmFollowed");
    const refused = await guide.send("POST", "/api/sidebar/draw-links", { drawId: String(draw._id), externalUserId: "wmOther" });
    assert.equal(refused.status, 403);
  });
});
