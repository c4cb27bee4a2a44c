import assert from "node:assert/strict";
import crypto from "node:crypto";
import nock from "nock";
import { Employee } from "../../server/models/Employee.ts";
import { Session } from "../../server/models/Session.ts";
import { API_TOKEN, startTestServer, useTestServer, type TestServer } from "../support/server.ts";
import { loginCookie, sessionClient, sessionCookie } from "../support/sessions.ts";
import { AGENT_ACCESS_TOKEN, nockAgentToken } from "../support/wecomNock.ts";
import { AGENT_ID, SAMPLE, WECOM_BASE } from "../support/wecomSecrets.ts";

async function startLogin(server: TestServer, query = "mode=oauth&returnTo=/sidebar/chat?x=1"): Promise<{ location: URL; state: string; cookie: string }> {
  const response = await fetch(`${server.url}/api/auth/wecom/start?${query}`, { redirect: "manual" });
  assert.equal(response.status, 302);
  const location = new URL(response.headers.get("location") ?? "");
  const state = location.searchParams.get("state") ?? "";
  loginCookies.set(state, loginCookie(response));
  return { location, state, cookie: loginCookie(response) };
}

// Whether an answer logged someone in (the login cookie is cleared on every callback).
const sessionSet = (response: Response) => response.headers.getSetCookie().some((line) => /^scrm_sid=[^;]/.test(line));

// The login cookie each started login set, by state: the browser that started it carries it back.
const loginCookies = new Map<string, string>();

function answerCode(code: string, userid: string): nock.Scope {
  nockAgentToken();
  return nock(WECOM_BASE).get("/cgi-bin/auth/getuserinfo").query({ access_token: AGENT_ACCESS_TOKEN, code }).reply(200, { errcode: 0, errmsg: "ok", userid, user_ticket: "T" });
}

// The browser that started the login comes back with its login cookie; `cookie` is what it carries.
const callback = (server: TestServer, code: string, state: string, cookie = loginCookies.get(state) ?? "") =>
  fetch(`${server.url}/api/auth/wecom/callback?code=${code}&state=${state}`, { redirect: "manual", headers: { cookie } });

describe("logging in with WeCom", () => {
  const context = useTestServer();

  it("should send the browser to WeCom's OAuth with snsapi_base, the corp, the app and a state it issued", async () => {
    const { location, state } = await startLogin(context.server);
    assert.equal(`${location.origin}${location.pathname}`, "https://open.weixin.qq.com/connect/oauth2/authorize");
    assert.equal(location.hash, "#wechat_redirect");
    assert.equal(location.searchParams.get("appid"), SAMPLE.receiveId);
    assert.equal(location.searchParams.get("agentid"), AGENT_ID);
    assert.equal(location.searchParams.get("scope"), "snsapi_base");
    assert.equal(location.searchParams.get("redirect_uri"), `${context.server.url}/api/auth/wecom/callback`);
    assert.match(state, /^[A-Za-z0-9]{32,128}$/);
    const qr = await startLogin(context.server, "mode=qr&returnTo=/console/");
    assert.equal(`${qr.location.origin}${qr.location.pathname}`, "https://login.work.weixin.qq.com/wwlogin/sso/login");
    assert.equal(qr.location.searchParams.get("login_type"), "CorpApp");
  });

  it("should exchange the code, set an httpOnly SameSite signed cookie, return where the page was, and never put a token in a URL", async () => {
    const { state } = await startLogin(context.server);
    const exchange = answerCode("CODE1", "guide01");
    const back = await callback(context.server, "CODE1", state);
    assert.ok(exchange.isDone());
    assert.equal(back.status, 302);
    assert.equal(back.headers.get("location"), "/sidebar/chat?x=1");
    const setCookie = back.headers.getSetCookie().join("\n");
    assert.match(setCookie, /scrm_sid=[^;]+;.*httponly/i);
    assert.match(setCookie, /samesite=lax/i);
    assert.match(setCookie, /expires=/i);
    const client = sessionClient(context.server, "guide01", sessionCookie(back));
    const me = await client.get("/api/auth/me");
    assert.equal(me.status, 200);
    assert.deepEqual(me.body.data, { userId: "guide01", name: "guide01", role: "guide", storeIds: [], devLogin: false });
    // Only the token's hash is stored.
    const token = /scrm_sid=([^;]+)/.exec(client.cookie)?.[1] ?? "";
    assert.equal(await Session.countDocuments({ _id: token }), 0);
    assert.equal(await Session.countDocuments({ _id: crypto.createHash("sha256").update(token).digest("hex") }), 1);
  });

  it("should honour a state once, refuse a state it never issued, and refuse a replayed code", async () => {
    const { state } = await startLogin(context.server);
    answerCode("CODE2", "guide01");
    assert.equal((await callback(context.server, "CODE2", state)).headers.get("location"), "/sidebar/chat?x=1");
    const replayState = await callback(context.server, "CODE2", state);
    assert.match(replayState.headers.get("location") ?? "", /^\/sidebar\/\?loginError=/);
    assert.equal(sessionSet(replayState), false);
    const forged = await callback(context.server, "CODE3", "abcdef0123456789");
    assert.match(decodeURIComponent(forged.headers.get("location") ?? ""), /state: 登录(请求无效或已过期|不是从这个浏览器发起的)/);
    const fresh = await startLogin(context.server);
    const replayCode = await callback(context.server, "CODE2", fresh.state);
    assert.match(decodeURIComponent(replayCode.headers.get("location") ?? ""), /code: 授权码已使用/);
    assert.equal(sessionSet(replayCode), false);
  });

  it("should refuse someone WeCom says is not a member of the corp, and an invalid code", async () => {
    const first = await startLogin(context.server, "mode=qr&returnTo=/console/");
    nockAgentToken();
    nock(WECOM_BASE).get("/cgi-bin/auth/getuserinfo").query(true).reply(200, { errcode: 0, errmsg: "ok", openid: "oOutsider" });
    const outsider = await callback(context.server, "CODE4", first.state);
    assert.match(decodeURIComponent(outsider.headers.get("location") ?? ""), /^\/console\/login\?error=您不是本企业的成员/);
    const second = await startLogin(context.server);
    nock(WECOM_BASE).get("/cgi-bin/auth/getuserinfo").query(true).reply(200, { errcode: 40029, errmsg: "invalid code" });
    const invalid = await callback(context.server, "CODE5", second.state);
    assert.match(decodeURIComponent(invalid.headers.get("location") ?? ""), /code: 企业微信授权码无效/);
    assert.equal(await Session.countDocuments({}), 0);
  });

  it("should refuse a return address off this site", async () => {
    for (const returnTo of ["https://evil.example/", "//evil.example/sidebar/", "/api/console/events"]) {
      const response = await fetch(`${context.server.url}/api/auth/wecom/start?mode=oauth&returnTo=${encodeURIComponent(returnTo)}`, { redirect: "manual" });
      assert.equal(response.status, 400, returnTo);
      assert.match(((await response.json()) as { message: string }).message, /^returnTo: /);
    }
  });

  it("should end the session on logout", async () => {
    const { state } = await startLogin(context.server);
    answerCode("CODE6", "guide01");
    const client = sessionClient(context.server, "guide01", sessionCookie(await callback(context.server, "CODE6", state)));
    assert.equal((await client.send("POST", "/api/auth/logout")).status, 200);
    assert.equal((await client.get("/api/auth/me")).status, 401);
  });

  it("should end the session of an employee who left", async () => {
    const { state } = await startLogin(context.server);
    answerCode("CODE7", "guide01");
    const client = sessionClient(context.server, "guide01", sessionCookie(await callback(context.server, "CODE7", state)));
    await Employee.updateOne({ userId: "guide01" }, { $set: { deleted: true } });
    assert.equal((await client.get("/api/auth/me")).status, 401);
  });
});

describe("the first admin and the development login", () => {
  const context = useTestServer();

  it("should make the first admin once from SCRM_API_TOKEN, and never again", async () => {
    const options = (await (await fetch(`${context.server.url}/api/auth/options`)).json()) as { data: { bootstrap: boolean } };
    assert.equal(options.data.bootstrap, true);
    const wrong = await fetch(`${context.server.url}/api/auth/bootstrap`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: "nope", userId: "boss" }) });
    assert.equal(wrong.status, 401);
    assert.equal(await Employee.countDocuments({ role: "admin" }), 0);
    const tries = await Promise.all(
      ["boss", "rival"].map((userId) =>
        fetch(`${context.server.url}/api/auth/bootstrap`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: API_TOKEN, userId }) }),
      ),
    );
    assert.deepEqual(tries.map((response) => response.status).sort(), [200, 409]);
    assert.equal(await Employee.countDocuments({ role: "admin" }), 1);
    const winner = tries.find((response) => response.status === 200) as Response;
    const admin = sessionClient(context.server, "", sessionCookie(winner));
    assert.equal(((await admin.get("/api/auth/me")).body.data as { role: string }).role, "admin");
    assert.equal(((await (await fetch(`${context.server.url}/api/auth/options`)).json()) as { data: { bootstrap: boolean } }).data.bootstrap, false);
  });

  it("should answer 404 to a development login when not in development mode", async () => {
    await Employee.create({ userId: "guide01" });
    const response = await fetch(`${context.server.url}/api/auth/dev-login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: "guide01" }) });
    assert.equal(response.status, 404);
    assert.equal(response.headers.getSetCookie().length, 0);
  });

  it("should log in any employee in development mode, the first unknown one as admin", async () => {
    const dev = await startTestServer({ devLogin: true });
    try {
      await Employee.create({ userId: "guide01" });
      const login = await fetch(`${dev.url}/api/auth/dev-login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: "guide01" }) });
      assert.equal(login.status, 200);
      const client = sessionClient(dev, "guide01", sessionCookie(login));
      assert.equal(((await client.get("/api/auth/me")).body.data as { userId: string }).userId, "guide01");
      const devLogin = (userId: string) => fetch(`${dev.url}/api/auth/dev-login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId }) });
      assert.equal(((await (await devLogin("firstcomer")).json()) as { data: { role: string } }).data.role, "admin");
      assert.equal(((await (await devLogin("second")).json()) as { data: { role: string } }).data.role, "guide");
      await Employee.updateOne({ userId: "second" }, { $set: { deleted: true } });
      assert.equal((await devLogin("second")).status, 404);
    } finally {
      await dev.close();
    }
  });
});

describe("login hardening (security review findings)", () => {
  const context = useTestServer();

  it("should refuse a callback opened in a browser that did not start the login (login CSRF), and leave the state to its owner", async () => {
    const victim = await startLogin(context.server);
    answerCode("CSRF1", "attacker");
    const elsewhere = await callback(context.server, "CSRF1", victim.state, "");
    assert.match(decodeURIComponent(elsewhere.headers.get("location") ?? ""), /state: 登录不是从这个浏览器发起的/);
    assert.equal(sessionSet(elsewhere), false);
    const other = await startLogin(context.server);
    const swapped = await callback(context.server, "CSRF1", victim.state, other.cookie);
    assert.match(decodeURIComponent(swapped.headers.get("location") ?? ""), /state: 登录不是从这个浏览器发起的/);
    assert.equal(await Session.countDocuments({}), 0);
    const own = await callback(context.server, "CSRF1", victim.state);
    assert.equal(own.headers.get("location"), "/sidebar/chat?x=1");
    assert.equal(await Session.countDocuments({ userId: "attacker" }), 1);
  });

  it("should build the OAuth redirect from PUBLIC_URL or its own host, never from a client's X-Forwarded-Host", async () => {
    const forwarded = await fetch(`${context.server.url}/api/auth/wecom/start?mode=oauth&returnTo=/sidebar/`, { redirect: "manual", headers: { "x-forwarded-host": "evil.example", "x-forwarded-proto": "https" } });
    const redirect = new URL(forwarded.headers.get("location") ?? "").searchParams.get("redirect_uri");
    assert.equal(redirect, `${context.server.url}/api/auth/wecom/callback`);
    const configured = await startTestServer({ publicUrl: "https://scrm.example.com" });
    try {
      const answer = await fetch(`${configured.url}/api/auth/wecom/start?mode=qr&returnTo=/console/`, { redirect: "manual", headers: { "x-forwarded-host": "evil.example" } });
      assert.equal(new URL(answer.headers.get("location") ?? "").searchParams.get("redirect_uri"), "https://scrm.example.com/api/auth/wecom/callback");
    } finally {
      await configured.close();
    }
  });

  it("should judge the cross-site check against PUBLIC_URL, not a forwarded host", async () => {
    const configured = await startTestServer({ publicUrl: "https://scrm.example.com" });
    try {
      await Employee.create({ userId: "ops", role: "admin" });
      const login = await startLogin(configured);
      answerCode("ORIGIN1", "ops");
      const client = sessionClient(configured, "ops", sessionCookie(await callback(configured, "ORIGIN1", login.state)));
      const write = (origin: string, forwardedHost?: string) =>
        fetch(`${configured.url}/api/console/quick-reply-folders`, {
          method: "POST",
          headers: { cookie: client.cookie, origin, "content-type": "application/json", ...(forwardedHost ? { "x-forwarded-host": forwardedHost } : {}) },
          body: JSON.stringify({ name: "售后" }),
        });
      assert.equal((await write("https://evil.example", "evil.example")).status, 403);
      assert.equal((await write(configured.url)).status, 403);
      assert.notEqual((await write("https://scrm.example.com")).status, 403);
    } finally {
      await configured.close();
    }
  });

  it("should slow down guessing the bootstrap token: after 10 wrong tokens even the right one waits", async () => {
    const bootstrap = (token: string) =>
      fetch(`${context.server.url}/api/auth/bootstrap`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token, userId: "boss" }) });
    for (let attempt = 0; attempt < 10; attempt += 1) {
      assert.equal((await bootstrap(`guess-${attempt}`)).status, 401);
    }
    const blocked = await bootstrap(API_TOKEN);
    assert.equal(blocked.status, 429);
    assert.ok(Number(blocked.headers.get("retry-after")) > 0);
    assert.match(((await blocked.json()) as { message: string }).message, /请求过于频繁/);
    assert.equal(await Employee.countDocuments({ role: "admin" }), 0);
  });

  it("should make exactly one admin from 20 concurrent first development logins", async () => {
    const dev = await startTestServer({ devLogin: true });
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, index) =>
          fetch(`${dev.url}/api/auth/dev-login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ userId: `dev${index}` }) }),
        ),
      );
      assert.deepEqual([...new Set(answers.map((answer) => answer.status))], [200]);
      assert.equal(await Employee.countDocuments({ role: "admin" }), 1);
      assert.equal(await Employee.countDocuments({ role: "guide" }), 19);
    } finally {
      await dev.close();
    }
  });
});
