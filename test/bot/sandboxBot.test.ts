import assert from "node:assert/strict";
import { BotRule } from "../../server/models/BotRule.ts";
import { LuckyDraw } from "../../server/models/LuckyDraw.ts";
import { seedCorp } from "../../server/sandbox/actions/seed.ts";
import { startSandboxBot, type SandboxBot } from "../../server/sandbox/bot/sandboxBot.ts";
import { GROUPS } from "../../server/sandbox/demoData.ts";
import { SandboxContactWay, SandboxGroup } from "../../server/sandbox/models/index.ts";
import { waitFor } from "../../server/utils/async.ts";
import { resetDatabase } from "../support/hooks.ts";
import { startSandboxServer, type SandboxServer } from "../sandbox/sandboxServer.ts";

type Json = { data?: unknown; message?: string };

describe("the sandbox's group bot (wechaty-puppet-mock in the sandbox's groups)", function () {
  this.timeout(60_000);
  let sandbox: SandboxServer;
  let bot: SandboxBot;

  before(async () => {
    sandbox = await startSandboxServer();
  });
  after(() => sandbox.close());
  afterEach(() => bot.stop());

  const api = async (method: "GET" | "POST", path: string, body?: unknown) => {
    const response = await fetch(`${sandbox.server.url}${path}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Json };
  };

  it("should welcome a customer who joins a sandbox group, and answer 抽奖 there with the draw link", async () => {
    await resetDatabase();
    await seedCorp({ callbackUrl: sandbox.server.url, now: () => new Date() });
    await sandbox.settle();
    await LuckyDraw.create({ slug: "sandbox-xmas", name: "圣诞抽奖", startsAt: new Date("2026-12-01"), endsAt: new Date("2026-12-31"), status: "active" });
    await BotRule.create({ name: "抽奖", trigger: "keyword", keyword: "抽奖", replyText: "点这里抽奖：{链接}", link: "draw", drawSlug: "sandbox-xmas" });
    await BotRule.create({ name: "欢迎", trigger: "join", replyText: "欢迎{昵称}入群～说「抽奖」有惊喜", cooldownSeconds: 0 });
    bot = await startSandboxBot({ origin: sandbox.server.url, now: () => new Date(), onStored: () => sandbox.processor.kick() });

    const way = await SandboxContactWay.findOne({ state: "store102-counter" }).lean();
    const scanned = await api("POST", "/sandbox/api/scan", { configId: way?.config_id, name: "林小雨" });
    const { external_userid: externalUserId } = scanned.body.data as { external_userid: string };
    const chat = await SandboxGroup.findOne({ name: GROUPS[2]?.name }).lean();
    assert.ok(chat);
    const refused = await api("POST", "/sandbox/api/bot/say", { chatId: chat.chat_id, externalUserId, text: "抽奖" });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.message, "externalUserId: 该客户不在群里");

    assert.equal((await api("POST", "/sandbox/api/join-group", { externalUserId, chatId: chat.chat_id })).status, 200);
    await bot.mirror();
    const said = await api("POST", "/sandbox/api/bot/say", { chatId: chat.chat_id, externalUserId, text: "抽奖" });
    assert.equal(said.status, 202);
    const replies = async () => ((await api("GET", `/sandbox/api/bot/room?chatId=${encodeURIComponent(chat.chat_id)}`)).body.data as { replies: { text: string; mentions: string[]; state: string }[] }).replies;
    assert.ok(await waitFor(async () => (await replies()).filter((reply) => reply.state === "sent").length === 2, { timeoutMs: 15_000, intervalMs: 100 }), JSON.stringify(await replies()));
    const sent = await replies();
    const welcome = sent.find((reply) => reply.text.startsWith("欢迎"));
    const answer = sent.find((reply) => reply.text.includes("/draw/"));
    assert.equal(welcome?.text, "欢迎林小雨入群～说「抽奖」有惊喜");
    assert.deepEqual(welcome?.mentions, ["林小雨"]);
    assert.equal(answer?.text, `点这里抽奖：${sandbox.server.url}/draw/sandbox-xmas`);
    assert.deepEqual(answer?.mentions, ["林小雨"]);
  });
});
