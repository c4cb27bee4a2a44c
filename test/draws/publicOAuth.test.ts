import assert from "node:assert/strict";
import nock from "nock";
import { useTestServer } from "../support/server.ts";
import { Customer } from "../../server/models/Customer.ts";
import { Member } from "../../server/models/Member.ts";
import { MemberIdentity } from "../../server/models/MemberIdentity.ts";
import { personalDrawLink } from "../../server/security/drawTokens.ts";
import { WECHAT_AUTHORIZE_URL, type WeChatOAuthConfig } from "../../server/wechat/oauth.ts";
import { aRunningDraw, CookieJar, participantClaims } from "./publicSupport.ts";

const WECHAT = "https://api.weixin.qq.com";
const config: WeChatOAuthConfig = { appId: "wxTestMp0001", secret: "test-mp-secret-0123456789", apiBase: WECHAT, authorizeUrl: WECHAT_AUTHORIZE_URL };
// WeChat's built-in browser on a phone: only there does the page go to WeChat's authorize page.
const WECHAT_BROWSER = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.50";

describe("the draw page's WeChat web OAuth (snsapi_base)", function () {
  this.timeout(60_000);
  const context = useTestServer({ wechatOAuth: config });
  const url = (path: string) => `${context.server.url}${path}`;

  /** Open the page without a participant: the server sends the browser to WeChat. */
  async function start(slug: string, jar: CookieJar): Promise<URL> {
    const response = await fetch(url(`/draw/${slug}`), { redirect: "manual", headers: { cookie: jar.header(), "user-agent": WECHAT_BROWSER } });
    jar.take(response);
    assert.equal(response.status, 302);
    return new URL(response.headers.get("location") ?? "");
  }

  /** WeChat sends the browser back with a code and the state. */
  async function back(slug: string, jar: CookieJar, code: string, state: string): Promise<Response> {
    const response = await fetch(url(`/draw/${slug}/oauth/callback?code=${code}&state=${state}`), { redirect: "manual", headers: { cookie: jar.header() } });
    jar.take(response);
    return response;
  }

  function wechatAnswers(code: string, answer: Record<string, unknown>): nock.Scope {
    return nock(WECHAT).get("/sns/oauth2/access_token").query({ appid: config.appId, secret: config.secret, code, grant_type: "authorization_code" }).reply(200, answer);
  }

  it("should send the browser to WeChat's authorize page with snsapi_base, the draw's callback and a state, then exchange the code for the openid and link the unionid to the customer and member", async () => {
    const draw = await aRunningDraw();
    await Customer.create({ externalUserId: "wmUnion", name: "联联", unionid: "oUnionLinked01" });
    const member = await Member.create({ memberNo: "M00000042", levelCode: "silver" });
    await MemberIdentity.create({ _id: "unionid:oUnionLinked01", kind: "unionid", memberId: member._id, via: "test", at: new Date() });
    const jar = new CookieJar();
    const authorize = await start(draw.slug, jar);
    assert.equal(`${authorize.origin}${authorize.pathname}`, WECHAT_AUTHORIZE_URL);
    assert.equal(authorize.searchParams.get("appid"), config.appId);
    assert.equal(authorize.searchParams.get("scope"), "snsapi_base");
    assert.equal(authorize.searchParams.get("response_type"), "code");
    assert.equal(authorize.searchParams.get("redirect_uri"), url(`/draw/${draw.slug}/oauth/callback`));
    assert.equal(authorize.hash, "#wechat_redirect");
    const state = authorize.searchParams.get("state") ?? "";
    assert.match(state, /^[A-Za-z0-9]{16,128}$/);
    const wechat = wechatAnswers("CODE1", { access_token: "web-token", expires_in: 7200, refresh_token: "r", openid: "oOpenidAlice", scope: "snsapi_base", unionid: "oUnionLinked01" });
    const response = await back(draw.slug, jar, "CODE1", state);
    assert.equal(response.status, 302);
    assert.equal(response.headers.get("location"), `/draw/${draw.slug}`);
    assert.ok(wechat.isDone(), "the code was exchanged at WeChat");
    const claims = participantClaims(jar.get("scrm_draw") ?? "");
    assert.equal(claims.k, "ext:wmUnion", "the unionid found the customer");
    assert.equal(claims.o, "oOpenidAlice");
    assert.equal(claims.m, String(member._id), "the unionid found the member");
    // Recognised now: the page is served, not sent to WeChat again.
    const page = await fetch(url(`/draw/${draw.slug}`), { redirect: "manual", headers: { cookie: jar.header(), "user-agent": WECHAT_BROWSER } });
    assert.notEqual(page.status, 302);
  });

  it("should not send a browser other than WeChat's to WeChat (it could only say 请在微信客户端打开)", async () => {
    const draw = await aRunningDraw();
    const page = await fetch(url(`/draw/${draw.slug}`), { redirect: "manual", headers: { "user-agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/126.0" } });
    assert.equal(page.headers.get("location"), null);
    assert.equal(page.headers.getSetCookie().filter((line) => line.startsWith("scrm_draw_oauth=")).length, 0, "no OAuth round trip started");
  });

  it("should key a customer WeChat gives no unionid for by the openid", async () => {
    const draw = await aRunningDraw();
    const jar = new CookieJar();
    const state = (await start(draw.slug, jar)).searchParams.get("state") ?? "";
    wechatAnswers("CODE2", { access_token: "t", expires_in: 7200, openid: "oOpenidNoUnion", scope: "snsapi_base" });
    await back(draw.slug, jar, "CODE2", state);
    assert.equal(participantClaims(jar.get("scrm_draw") ?? "").k, "oid:oOpenidNoUnion");
    const drawn = await fetch(url(`/draw/${draw.slug}/api/state`), { headers: { cookie: jar.header() } });
    assert.equal(((await drawn.json()) as { data: { canDraw: boolean } }).data.canDraw, true);
  });

  it("should refuse a replayed state, a tampered state, a state from another browser and a replayed code, asking WeChat nothing for them", async () => {
    const draw = await aRunningDraw();
    const jar = new CookieJar();
    const state = (await start(draw.slug, jar)).searchParams.get("state") ?? "";
    const binding = jar.get("scrm_draw_oauth") ?? "";
    wechatAnswers("CODE3", { access_token: "t", expires_in: 7200, openid: "oOpenidBob", scope: "snsapi_base" });
    assert.equal((await back(draw.slug, jar, "CODE3", state)).status, 302);

    // The same state again (the browser's history, or someone who saw the URL).
    const replayJar = new CookieJar();
    replayJar.set("scrm_draw_oauth", binding);
    const replayed = await back(draw.slug, replayJar, "CODE4", state);
    assert.match(decodeURIComponent(replayed.headers.get("location") ?? ""), /oauth=failed.*已过期或已使用/);
    assert.equal(replayJar.get("scrm_draw"), undefined);

    // A state changed by one character, with the browser's own binding.
    const tamperJar = new CookieJar();
    const fresh = (await start(draw.slug, tamperJar)).searchParams.get("state") ?? "";
    const tampered = `${fresh.slice(0, -1)}${fresh.endsWith("a") ? "b" : "a"}`;
    const refused = await back(draw.slug, tamperJar, "CODE5", tampered);
    assert.match(decodeURIComponent(refused.headers.get("location") ?? ""), /oauth=failed.*不是从这个浏览器发起的/);
    assert.equal(tamperJar.get("scrm_draw"), undefined);

    // A real state, but opened in another browser (login CSRF: someone else's code and state).
    const victim = new CookieJar();
    const planted = (await start(draw.slug, new CookieJar())).searchParams.get("state") ?? "";
    const csrf = await back(draw.slug, victim, "CODE6", planted);
    assert.match(decodeURIComponent(csrf.headers.get("location") ?? ""), /oauth=failed/);
    assert.equal(victim.get("scrm_draw"), undefined);

    // A code WeChat already gave once, on a fresh state: refused before WeChat is asked.
    const again = new CookieJar();
    const second = (await start(draw.slug, again)).searchParams.get("state") ?? "";
    const usedCode = await back(draw.slug, again, "CODE3", second);
    assert.match(decodeURIComponent(usedCode.headers.get("location") ?? ""), /oauth=failed.*授权码已使用/);
    assert.equal(again.get("scrm_draw"), undefined);
    assert.deepEqual(nock.pendingMocks(), []);
  });

  it("should refuse what WeChat refuses (an invalid code) and a snapshot-page virtual user", async () => {
    const draw = await aRunningDraw();
    const jar = new CookieJar();
    const state = (await start(draw.slug, jar)).searchParams.get("state") ?? "";
    wechatAnswers("BADCODE", { errcode: 40029, errmsg: "invalid code" });
    const refused = await back(draw.slug, jar, "BADCODE", state);
    assert.match(decodeURIComponent(refused.headers.get("location") ?? ""), /oauth=failed.*微信授权失败/);
    const snapshot = new CookieJar();
    const second = (await start(draw.slug, snapshot)).searchParams.get("state") ?? "";
    wechatAnswers("SNAPCODE", { access_token: "t", expires_in: 7200, openid: "oVirtual", is_snapshotuser: 1 });
    await back(draw.slug, snapshot, "SNAPCODE", second);
    assert.equal(snapshot.get("scrm_draw"), undefined, "a virtual openid never becomes a participant");
  });

  it("should not lend one customer's openid to another customer's (forwarded) link, and let WeChat's unionid win over the link", async () => {
    const draw = await aRunningDraw();
    await Customer.create({ externalUserId: "wmHolder", name: "持机人", unionid: "oUnionHolder01" });
    const jar = new CookieJar();
    const state = (await start(draw.slug, jar)).searchParams.get("state") ?? "";
    wechatAnswers("CODE8", { access_token: "t", expires_in: 7200, openid: "oOpenidHolder", scope: "snsapi_base", unionid: "oUnionHolder01" });
    await back(draw.slug, jar, "CODE8", state);
    assert.equal(participantClaims(jar.get("scrm_draw") ?? "").k, "ext:wmHolder");
    const forwarded = personalDrawLink({ slug: draw.slug, externalUserId: "wmSomeoneElse", now: new Date(), origin: context.server.url });
    jar.take(await fetch(forwarded, { redirect: "manual", headers: { cookie: jar.header() } }));
    const claims = participantClaims(jar.get("scrm_draw") ?? "");
    assert.equal(claims.k, "ext:wmSomeoneElse");
    assert.equal(claims.o, undefined, "the holder's openid does not go with another customer's link");
    const again = (await start(draw.slug, jar)).searchParams.get("state") ?? "";
    wechatAnswers("CODE9", { access_token: "t", expires_in: 7200, openid: "oOpenidHolder", scope: "snsapi_base", unionid: "oUnionHolder01" });
    await back(draw.slug, jar, "CODE9", again);
    assert.equal(participantClaims(jar.get("scrm_draw") ?? "").k, "ext:wmHolder", "WeChat says who holds the phone");
  });

  it("should keep a personal link's customer and add the openid when OAuth follows the link", async () => {
    const draw = await aRunningDraw();
    const jar = new CookieJar();
    const link = personalDrawLink({ slug: draw.slug, externalUserId: "wmLinked", now: new Date(), origin: context.server.url });
    jar.take(await fetch(link, { redirect: "manual" }));
    const state = (await start(draw.slug, jar)).searchParams.get("state") ?? "";
    wechatAnswers("CODE7", { access_token: "t", expires_in: 7200, openid: "oOpenidLinked", scope: "snsapi_base" });
    await back(draw.slug, jar, "CODE7", state);
    const claims = participantClaims(jar.get("scrm_draw") ?? "");
    assert.equal(claims.k, "ext:wmLinked");
    assert.equal(claims.o, "oOpenidLinked");
  });
});
