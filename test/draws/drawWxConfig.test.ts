import assert from "node:assert/strict";
import crypto from "node:crypto";
import nock from "nock";
import { useTestServer } from "../support/server.ts";
import { WECHAT_AUTHORIZE_URL, type WeChatOAuthConfig } from "../../server/wechat/oauth.ts";
import type { PublicWxConfig } from "../../server/presenters/draw.ts";
import { aRunningDraw } from "./publicSupport.ts";

const WECHAT = "https://api.weixin.qq.com";
const config: WeChatOAuthConfig = { appId: "wxTestMp0001", secret: "test-mp-secret-0123456789", apiBase: WECHAT, authorizeUrl: WECHAT_AUTHORIZE_URL };

// §6.3/§8.3: sha1 over the four fields in this order, joined as a query string.
const expectedSignature = (ticket: string, answer: PublicWxConfig, url: string) =>
  crypto.createHash("sha1").update(`jsapi_ticket=${ticket}&noncestr=${answer.nonceStr}&timestamp=${answer.timestamp}&url=${url}`).digest("hex");

describe("the draw page's wx.config signature (official account JS-SDK, for the cash confirmation)", function () {
  this.timeout(60_000);
  const context = useTestServer({ wechatOAuth: config });
  const get = async (slug: string, url: string) => {
    const response = await fetch(`${context.server.url}/draw/${slug}/api/wx-config?url=${encodeURIComponent(url)}`);
    return { status: response.status, body: (await response.json()) as { data?: PublicWxConfig; message?: string } };
  };

  it("should sign this draw's page with the account's jsapi ticket, fetching the token and the ticket once for many pages", async () => {
    const draw = await aRunningDraw();
    const token = nock(WECHAT).get("/cgi-bin/token").query({ grant_type: "client_credential", appid: config.appId, secret: config.secret }).once().reply(200, { access_token: "MP_BASIC_TOKEN", expires_in: 7200 });
    const ticket = nock(WECHAT).get("/cgi-bin/ticket/getticket").query({ access_token: "MP_BASIC_TOKEN", type: "jsapi" }).once().reply(200, { errcode: 0, errmsg: "ok", ticket: "MP_JSAPI_TICKET", expires_in: 7200 });
    const page = `${context.server.url}/draw/${draw.slug}`;
    const answers = await Promise.all([get(draw.slug, page), get(draw.slug, `${page}?oauth=failed#top`), get(draw.slug, page)]);
    assert.ok(token.isDone() && ticket.isDone());
    for (const answer of answers) {
      assert.equal(answer.status, 200, JSON.stringify(answer.body));
    }
    const first = answers[0]?.body.data as PublicWxConfig;
    assert.equal(first.appId, config.appId);
    assert.deepEqual(first.jsApiList, ["requestMerchantTransfer"]);
    assert.equal(first.signature, expectedSignature("MP_JSAPI_TICKET", first, page));
    const second = answers[1]?.body.data as PublicWxConfig;
    assert.equal(second.signature, expectedSignature("MP_JSAPI_TICKET", second, `${page}?oauth=failed`), "signed without the fragment");
    // A fourth page: still no call to WeChat (nock would refuse one).
    assert.equal((await get(draw.slug, page)).status, 200);
  });

  it("should refuse to sign another page of the site or another site, naming the field, without calling WeChat", async () => {
    const draw = await aRunningDraw();
    for (const url of [`${context.server.url}/console/`, `https://evil.example.com/draw/${draw.slug}`, `${context.server.url}/draw/${draw.slug}/api/state`, "not a url"]) {
      const answer = await get(draw.slug, url);
      assert.deepEqual([answer.status, answer.body.message], [400, "url: 不是本抽奖页的地址"], url);
    }
  });

});

describe("the draw page's wx.config when WeChat refuses the token", function () {
  this.timeout(60_000);
  // A server of its own: the first describe's server has a ticket cached.
  const context = useTestServer({ wechatOAuth: config });
  const get = async (slug: string, url: string) => {
    const response = await fetch(`${context.server.url}/draw/${slug}/api/wx-config?url=${encodeURIComponent(url)}`);
    return { status: response.status, body: (await response.json()) as { data?: PublicWxConfig; message?: string } };
  };

  it("should fail without leaking the secret, and try again on the next page", async () => {
    const draw = await aRunningDraw();
    nock(WECHAT).get("/cgi-bin/token").query(true).reply(200, { errcode: 40013, errmsg: "invalid appid" });
    const page = `${context.server.url}/draw/${draw.slug}`;
    const failed = await fetch(`${context.server.url}/draw/${draw.slug}/api/wx-config?url=${encodeURIComponent(page)}`);
    const text = await failed.text();
    assert.ok(failed.status >= 500, `status ${failed.status}`);
    assert.ok(!text.includes(config.secret), "no secret in the answer");
    nock(WECHAT).get("/cgi-bin/token").query(true).reply(200, { access_token: "T2", expires_in: 7200 });
    nock(WECHAT).get("/cgi-bin/ticket/getticket").query(true).reply(200, { errcode: 0, ticket: "TICKET2", expires_in: 7200 });
    const again = await get(draw.slug, page);
    assert.equal(again.status, 200);
    assert.equal(again.body.data?.signature, expectedSignature("TICKET2", again.body.data as PublicWxConfig, page));
  });
});

describe("the draw page's wx.config without an official account", function () {
  this.timeout(60_000);
  const context = useTestServer({});

  it("should say in Chinese that no official account is configured", async () => {
    const draw = await aRunningDraw();
    const response = await fetch(`${context.server.url}/draw/${draw.slug}/api/wx-config?url=${encodeURIComponent(`${context.server.url}/draw/${draw.slug}`)}`);
    const body = (await response.json()) as { message?: string };
    assert.deepEqual([response.status, body.message], [503, "未配置公众号，无法在微信中确认收款"]);
  });
});
