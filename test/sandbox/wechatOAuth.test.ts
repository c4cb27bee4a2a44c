import assert from "node:assert/strict";
import Koa from "koa";
import { errorHandler } from "../../server/middlewares/errorHandler.ts";
import { SandboxCustomer } from "../../server/sandbox/models/SandboxCustomer.ts";
import { SANDBOX_MP_APPID, SANDBOX_MP_SECRET, sandboxOpenid, sandboxWeChatOAuth, sandboxWeChatRouter } from "../../server/sandbox/wechatOAuth.ts";
import { exchangeOAuthCode, WeChatOAuthError } from "../../server/wechat/oauth.ts";
import { resetDatabase } from "../support/hooks.ts";
import { listenTestServer, type TestServer } from "../support/server.ts";

describe("the sandbox's WeChat web OAuth stand-in (/sandbox/wechat)", function () {
  this.timeout(30_000);
  let server: TestServer;
  before(async () => {
    const app = new Koa();
    app.use(errorHandler());
    const router = sandboxWeChatRouter({ now: () => new Date() });
    app.use(router.routes());
    server = await listenTestServer(app);
  });
  after(() => server.close());
  beforeEach(() => resetDatabase());

  function authorize(query: Record<string, string>): Promise<Response> {
    const params = new URLSearchParams({ appid: SANDBOX_MP_APPID, redirect_uri: `${server.url}/draw/x/oauth/callback`, response_type: "code", scope: "snsapi_base", state: "abc123", ...query });
    return fetch(`${server.url}/wechat/oauth2/authorize?${params.toString()}`, { redirect: "manual" });
  }

  it("should ask which sandbox customer holds the phone, then give a one-use code that the product's exchange turns into that customer's openid and unionid", async () => {
    await SandboxCustomer.create({ external_userid: "wmSandboxA", name: "沙盒小红", unionid: "oUnionSandboxA" });
    const chooser = await authorize({});
    assert.equal(chooser.status, 200);
    assert.match(await chooser.text(), /微信授权（沙盒）[\s\S]*沙盒小红/);
    const chosen = await authorize({ as: "wmSandboxA" });
    assert.equal(chosen.status, 302);
    const back = new URL(chosen.headers.get("location") ?? "");
    assert.equal(back.pathname, "/draw/x/oauth/callback");
    assert.equal(back.searchParams.get("state"), "abc123");
    const code = back.searchParams.get("code") ?? "";
    const config = sandboxWeChatOAuth(server.url);
    // Mounted at the root here, under /sandbox in the product.
    config.apiBase = `${server.url}/wechat`;
    const identity = await exchangeOAuthCode(config, code);
    assert.deepEqual(identity, { openid: sandboxOpenid("wmSandboxA"), unionid: "oUnionSandboxA" });
    assert.notEqual(identity.openid, "wmSandboxA");
    await assert.rejects(exchangeOAuthCode(config, code), (error: unknown) => error instanceof WeChatOAuthError && error.errcode === 40029);
    await assert.rejects(exchangeOAuthCode({ ...config, secret: `${SANDBOX_MP_SECRET}x` }, code), (error: unknown) => error instanceof WeChatOAuthError && error.errcode === 40125);
  });

  it("should send the browser back only to its own host, as WeChat only to the configured domain", async () => {
    await SandboxCustomer.create({ external_userid: "wmSandboxB", name: "沙盒小明" });
    const refused = await authorize({ as: "wmSandboxB", redirect_uri: "https://evil.example/steal" });
    assert.equal(refused.status, 400);
    const wrongApp = await authorize({ appid: "wxOtherApp" });
    assert.equal(wrongApp.status, 400);
  });
});
