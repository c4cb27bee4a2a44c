import assert from "node:assert/strict";
import { BotRule } from "../../server/models/BotRule.ts";
import { Event } from "../../server/models/Event.ts";
import { resetDatabase } from "../support/hooks.ts";
import { aGroup } from "../support/factories.ts";
import { ORIGIN, startMockBot, type MockBot } from "./botHarness.ts";

describe("group bot on wechaty-puppet-mock", () => {
  let bot: MockBot;

  beforeEach(async () => {
    await resetDatabase();
    bot = await startMockBot();
  });
  afterEach(() => bot.stop());

  it("should welcome a joiner once, mentioning them", async () => {
    await aGroup("chat-vip", "guide01", [], "VIP 会员群");
    await BotRule.create({ name: "入群欢迎", trigger: "join", replyText: "欢迎 {昵称} 加入！发送「抽奖」试试手气", cooldownSeconds: 0 });
    const alice = bot.mocker.createContact({ name: "爱丽丝" });
    const bob = bot.mocker.createContact({ name: "鲍勃" });
    const room = bot.mocker.createRoom({ topic: "VIP 会员群", memberIdList: [bot.me.id, alice.id] });
    room.add(bob).by(alice);
    await bot.settle();
    assert.deepEqual(bot.saidIn(room), ["@鲍勃 欢迎 鲍勃 加入！发送「抽奖」试试手气"]);
    const stored = await Event.find({ type: "bot_room_join" }).lean();
    assert.equal(stored.length, 1);
    assert.equal(stored[0]?.status, "done");
    assert.equal(stored[0]?.orderKey, `botroom:wechaty-puppet-mock:${room.id}`);
  });

  it("should answer 抽奖 with the draw link, mentioning the speaker", async () => {
    await BotRule.create({ name: "抽奖", trigger: "keyword", keyword: "抽奖", match: "exact", replyText: "点这里抽奖：{链接}", link: "draw", drawSlug: "xmas-2026" });
    const alice = bot.mocker.createContact({ name: "爱丽丝" });
    const room = bot.mocker.createRoom({ topic: "粉丝群", memberIdList: [bot.me.id, alice.id] });
    alice.say("抽奖").to(room);
    await bot.settle();
    assert.deepEqual(bot.saidIn(room), [`@爱丽丝 点这里抽奖：${ORIGIN}/draw/xmas-2026`]);
  });
});
