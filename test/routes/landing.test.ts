import assert from "node:assert/strict";
import { flushVisits } from "../../server/commands/funnelVisits.ts";
import { clearLandingCache } from "../../server/commands/landingCache.ts";
import { Funnel } from "../../server/models/Funnel.ts";
import { aGroupOf, funnelBody, nockJoinWays } from "../support/funnels.ts";
import { consoleGet, consoleSend, useTestServer } from "../support/server.ts";
import { nockToken } from "../support/wecomNock.ts";

describe("the funnel landing page /g/<slug>", () => {
  const context = useTestServer();
  let id = "";
  beforeEach(async () => {
    // The database is emptied under the running server; its pages of the last test must go too.
    clearLandingCache();
    nockToken();
    nockJoinWays();
    await aGroupOf("wrChatA", 2, "静安会员福利群");
    await aGroupOf("wrChatB", 0, "静安会员福利二群");
    const created = await consoleSend(context.server, "POST", "/api/console/funnels", funnelBody({ autoCreateRoom: false }));
    id = (created.body.data as { id: string }).id;
  });

  const open = async (path = "/g/spring", cookie?: string) => {
    const response = await fetch(`${context.server.url}${path}`, { headers: cookie ? { cookie } : {} });
    return { status: response.status, html: await response.text(), headers: response.headers };
  };
  const update = (overrides: Record<string, unknown>) => consoleSend(context.server, "PUT", `/api/console/funnels/${id}`, { ...funnelBody({ autoCreateRoom: false, ...overrides }), slug: undefined });

  it("should show the current group's name, avatar and join QR with 长按识别二维码加入群聊, without a login", async () => {
    const page = await open();
    assert.equal(page.status, 200);
    assert.match(page.headers.get("content-type") ?? "", /text\/html; charset=utf-8/);
    assert.equal(page.headers.get("cache-control"), "no-store");
    assert.match(page.html, /<html lang="zh-CN">/);
    assert.match(page.html, /name="viewport"/);
    assert.match(page.html, /春季会员福利群/);
    assert.match(page.html, /进群领 20 元无门槛券/);
    assert.match(page.html, /<div class="avatar">静<\/div><div class="name">静安会员福利群<\/div>/);
    assert.match(page.html, /<img class="qr" src="https:\/\/wework\.qpic\.cn\/wwpic\/qr-funnel-1\/0"/);
    assert.match(page.html, /长按识别二维码加入群聊/);
    assert.doesNotMatch(page.html, /<script/);
  });

  it("should show the next group at once after a rotation (the cache is dropped), a paused page, and an empty page", async () => {
    await open();
    const rotated = await update({ threshold: 2 });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    assert.match((await open()).html, /<div class="name">静安会员福利二群<\/div>/);

    await update({ paused: true });
    const paused = await open();
    assert.equal(paused.status, 200);
    assert.match(paused.html, /活动已暂停，暂时不能加入群聊/);
    assert.doesNotMatch(paused.html, /class="qr"/);

    await update({ threshold: 1, groups: [{ kind: "wecom", chatId: "wrChatA" }] });
    const empty = await open();
    assert.match(empty.html, /群已满员，新群正在准备中/);
    assert.doesNotMatch(empty.html, /class="qr"/);
  });

  it("should answer an unknown slug with a 404 page in Chinese", async () => {
    for (const path of ["/g/no-such-funnel", "/g/%E6%98%A5", "/g/x"]) {
      const page = await open(path);
      assert.equal(page.status, 404, path);
      assert.match(page.html, /这个群活码不存在或已被删除/);
    }
  });

  it("should count every visit and each browser once (by its cookie, per funnel), kept on the funnel", async () => {
    const first = await open();
    const cookie = (first.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    assert.match(first.headers.get("set-cookie") ?? "", /^gv=[\w-]+; path=\/g\/spring; expires=.*; samesite=lax; httponly$/);
    await open("/g/spring", cookie);
    await open("/g/spring", cookie);
    const other = await open();
    assert.ok(other.headers.get("set-cookie"), "a second browser gets its own cookie");
    await open("/g/no-such-funnel");
    await flushVisits();
    const stored = await Funnel.findById(id).lean();
    assert.deepEqual({ visits: stored?.stats?.visits, visitors: stored?.stats?.visitors }, { visits: 4, visitors: 2 });
    const listed = await consoleGet(context.server, "/api/console/funnels");
    assert.deepEqual((listed.body.data as { stats: unknown }[])[0]?.stats, { visits: 4, visitors: 2, joins: 0 });
  });
});
