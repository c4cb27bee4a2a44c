import assert from "node:assert/strict";
import { readBotStatus } from "../../server/bot/botStatus.ts";
import { BotContact } from "../../server/models/BotContact.ts";
import { BotRule } from "../../server/models/BotRule.ts";
import { Follow } from "../../server/models/Follow.ts";
import { TagApplication } from "../../server/models/TagApplication.ts";
import { TagGroup } from "../../server/models/TagGroup.ts";
import { aCustomerWithFollow } from "../support/factories.ts";
import { recordLogs, resetDatabase } from "../support/hooks.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";
import { startMockBot, type MockBot } from "./botHarness.ts";

describe("group bot: auto-tags and status", () => {
  let bot: MockBot;

  beforeEach(async () => {
    await resetDatabase();
    bot = await startMockBot();
  });
  afterEach(() => bot.stop());

  it("should tag a speaker linked to a customer (by the guide's remark) through mark_tag, once", async () => {
    await aCustomerWithFollow("wmAlice", "guide01", { name: "Alice W" });
    await Follow.updateOne({ externalUserId: "wmAlice", userId: "guide01" }, { $set: { remark: "爱丽丝" } });
    await TagGroup.create({ groupId: "grp1", name: "兴趣", tags: [{ id: "tagDraw", name: "爱抽奖" }] });
    await BotRule.create({ name: "抽奖", trigger: "keyword", keyword: "抽奖", replyText: "{链接}", link: "draw", drawSlug: "xmas-2026", tagIds: ["tagDraw"], cooldownSeconds: 0 });
    nockToken();
    const marks: unknown[] = [];
    wecomApi()
      .post("/cgi-bin/externalcontact/mark_tag")
      .query(true)
      .reply(200, (_uri, body) => {
        marks.push(body);
        return { errcode: 0, errmsg: "ok" };
      });
    const alice = bot.mocker.createContact({ name: "爱丽丝" });
    const stranger = bot.mocker.createContact({ name: "路人甲" });
    const room = bot.mocker.createRoom({ topic: "粉丝群", memberIdList: [bot.me.id, alice.id, stranger.id] });
    alice.say("抽奖").to(room);
    stranger.say("抽奖").to(room);
    await bot.settle();
    alice.say("抽奖").to(room);
    await bot.settle();
    assert.deepEqual(marks, [{ userid: "guide01", external_userid: "wmAlice", add_tag: ["tagDraw"], remove_tag: [] }]);
    assert.deepEqual((await Follow.findOne({ externalUserId: "wmAlice" }).lean())?.tagIds, ["tagDraw"]);
    assert.equal(await TagApplication.countDocuments({ externalUserId: "wmAlice", tagId: "tagDraw" }), 1);
    const linked = await BotContact.findById(`wechaty-puppet-mock:${alice.id}`).lean();
    assert.equal(linked?.externalUserId, "wmAlice");
    assert.equal(linked?.linkedBy, "follow_remark");
    assert.equal((await BotContact.findById(`wechaty-puppet-mock:${stranger.id}`).lean())?.externalUserId, null);
    assert.equal(bot.saidIn(room).length, 3, "every speaker still got the link");
  });

  it("should show logged in, then logged out with the reason and a clear log line", async () => {
    assert.equal((await readBotStatus())?.state, "logged_in");
    assert.equal((await readBotStatus())?.userName, "品牌小助手");
    const recorder = recordLogs();
    try {
      await bot.puppet.logout("微信在另一台设备登录");
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      recorder.stop();
    }
    const status = await readBotStatus();
    assert.equal(status?.state, "logged_out");
    assert.equal(status?.logoutReason, "微信在另一台设备登录");
    const line = recorder.lines.map((text) => JSON.parse(text) as { msg: string; level: number }).find((entry) => entry.msg.includes("LOGGED OUT"));
    assert.ok(line, "a log line says the bot logged out");
    assert.equal(line.level, 40, "at warn level");
  });

  it("should show the QR to scan while waiting for a login", async () => {
    bot.mocker.scan("https://login.weixin.qq.com/l/mock-qr", 2);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const status = await readBotStatus();
    assert.equal(status?.state, "waiting_scan");
    assert.equal(status?.qrcode, "https://login.weixin.qq.com/l/mock-qr");
  });
});
