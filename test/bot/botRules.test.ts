import assert from "node:assert/strict";
import { BotRule } from "../../server/models/BotRule.ts";
import { Funnel } from "../../server/models/Funnel.ts";
import { LuckyDraw } from "../../server/models/LuckyDraw.ts";
import { aGroup } from "../support/factories.ts";
import { API_TOKEN, consoleGet, consoleSend, useTestServer } from "../support/server.ts";

const rule = (overrides: Record<string, unknown> = {}) => ({
  name: "抽奖入口",
  trigger: "keyword",
  keyword: "抽奖",
  match: "exact",
  scope: "all",
  replyText: "点这里抽奖：{链接}",
  link: "draw",
  drawSlug: "xmas-2026",
  ...overrides,
});

describe("bot rules in the console (/api/console/bot)", () => {
  const context = useTestServer();

  beforeEach(async () => {
    await LuckyDraw.create({ slug: "xmas-2026", name: "圣诞抽奖", startsAt: new Date("2026-12-01"), endsAt: new Date("2026-12-31") });
    await aGroup("wrVip", "guide01", [], "VIP 会员群");
  });

  it("should refuse bad rules in Chinese naming each field, and store nothing", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [rule({ keyword: "" }), "keyword: 请填写关键词"],
      [rule({ keyword: "   " }), "keyword: 请填写关键词"],
      [rule({ replyText: "长".repeat(501) }), "replyText: 回复内容不能超过 500 个字"],
      [rule({ drawSlug: "no-such-draw" }), "drawSlug: 抽奖活动不存在"],
      [rule({ link: "funnel", linkFunnelId: "0123456789abcdef01234567" }), "linkFunnelId: 群活码不存在"],
      [rule({ scope: "funnel", funnelId: "0123456789abcdef01234567" }), "funnelId: 群活码不存在"],
      [rule({ scope: "groups", chatIds: [] }), "chatIds: 请至少选择一个客户群"],
      [rule({ scope: "groups", chatIds: ["wrNoSuch"] }), "chatIds: 所选客户群不存在"],
      [rule({ cooldownSeconds: 3601 }), "cooldownSeconds: 冷却时间应在 0 到 3600 秒之间"],
      [rule({ cooldownSeconds: -1 }), "cooldownSeconds: 冷却时间应在 0 到 3600 秒之间"],
      [rule({ tagIds: ["tagGone"] }), "tagIds: 所选标签不存在或已删除"],
      [rule({ trigger: "join", tagIds: ["t1"] }), "tagIds: 入群欢迎不能打标签（只有关键词规则按说话的人打标签）"],
      [rule({ link: "none", replyText: "" }), "replyText: 请填写回复内容"],
      [rule({ name: "" }), "name: 请填写规则名称"],
    ];
    for (const [body, message] of cases) {
      const refused = await consoleSend(context.server, "POST", "/api/console/bot/rules", body);
      assert.equal(refused.status, 400, JSON.stringify(body));
      assert.equal(refused.body.error, "validation_error");
      assert.ok(refused.body.message === message || (refused.body.errors as string[] | undefined)?.includes(message), `${message} ← ${JSON.stringify(refused.body)}`);
    }
    // Several at once: each field named in errors.
    const several = await consoleSend(context.server, "POST", "/api/console/bot/rules", rule({ keyword: "", replyText: "长".repeat(501) }));
    const errors = several.body.errors as string[];
    assert.ok(errors.includes("replyText: 回复内容不能超过 500 个字") && errors.includes("keyword: 请填写关键词"), JSON.stringify(errors));
    assert.equal(await BotRule.countDocuments({}), 0);
  });

  it("should create, list, update and delete a rule, and answer the status", async () => {
    const funnel = await Funnel.create({ slug: "spring", name: "春季群", state: "g-spring" });
    const created = await consoleSend(context.server, "POST", "/api/console/bot/rules", rule({ scope: "groups", chatIds: ["wrVip"], match: "contains" }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const data = created.body.data as { id: string; scope: string; chatIds: string[]; funnelId: string | null; cooldownSeconds: number };
    assert.deepEqual([data.scope, data.chatIds, data.funnelId, data.cooldownSeconds], ["groups", ["wrVip"], null, 30]);
    const updated = await consoleSend(context.server, "PUT", `/api/console/bot/rules/${data.id}`, rule({ scope: "funnel", funnelId: String(funnel._id), chatIds: ["wrVip"], link: "funnel", linkFunnelId: String(funnel._id) }));
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    const after = updated.body.data as { scope: string; chatIds: string[]; drawSlug: string | null; linkFunnelId: string };
    assert.deepEqual([after.scope, after.chatIds, after.drawSlug, after.linkFunnelId], ["funnel", [], null, String(funnel._id)], "fields the scope and link do not use are dropped");
    const list = await consoleGet(context.server, "/api/console/bot/rules");
    assert.deepEqual((list.body.data as { id: string }[]).map((entry) => entry.id), [data.id]);
    const status = await consoleGet(context.server, "/api/console/bot/status");
    assert.equal((status.body.data as { state: string }).state, "not_configured");
    const removed = await fetch(`${context.server.url}/api/console/bot/rules/${data.id}`, { method: "DELETE", headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(removed.status, 200);
    assert.equal(await BotRule.countDocuments({}), 0);
    const missing = await consoleSend(context.server, "PUT", `/api/console/bot/rules/${data.id}`, rule());
    assert.equal(missing.status, 404);
  });
});
