import assert from "node:assert/strict";
import { ROOM_SENDS_PER_MINUTE } from "../../server/domain/botRules.ts";
import { BotReply } from "../../server/models/BotReply.ts";
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

  it("should handle a message the puppet delivers twice once", async () => {
    await BotRule.create({ name: "抽奖", trigger: "keyword", keyword: "抽奖", replyText: "{链接}", link: "draw", drawSlug: "xmas-2026", cooldownSeconds: 0 });
    const alice = bot.mocker.createContact({ name: "爱丽丝" });
    const room = bot.mocker.createRoom({ topic: "粉丝群", memberIdList: [bot.me.id, alice.id] });
    const messageIds: string[] = [];
    bot.service.bot.on("message", (message) => {
      if (!message.self()) {
        messageIds.push(message.id);
      }
    });
    alice.say("抽奖").to(room);
    await bot.settle();
    // A reconnecting puppet replays what it delivered: the same message id again.
    bot.puppet.emit("message", { messageId: messageIds[0] as string });
    await bot.settle();
    assert.equal(messageIds.length, 2, "the puppet delivered it twice");
    assert.equal(await Event.countDocuments({ type: "bot_room_message" }), 1);
    assert.deepEqual(bot.saidIn(room), [`@爱丽丝 ${ORIGIN}/draw/xmas-2026`]);
  });

  it("should match exact keywords only whole, contained ones anywhere, and stay quiet otherwise", async () => {
    await BotRule.create({ name: "会员", trigger: "keyword", keyword: "会员", match: "exact", replyText: "回复「入会」了解会员权益", cooldownSeconds: 0 });
    await BotRule.create({ name: "优惠", trigger: "keyword", keyword: "优惠", match: "contains", replyText: "本周优惠见群公告", cooldownSeconds: 0, mention: false });
    const alice = bot.mocker.createContact({ name: "爱丽丝" });
    const room = bot.mocker.createRoom({ topic: "粉丝群", memberIdList: [bot.me.id, alice.id] });
    for (const text of ["我想了解会员", " 会员 ", "最近有优惠吗？", "你好"]) {
      alice.say(text).to(room);
      await bot.settle();
    }
    assert.deepEqual(bot.saidIn(room), ["@爱丽丝 回复「入会」了解会员权益", "本周优惠见群公告"]);
  });

  it("should hold the rate limits under a burst: one reply per rule per cooldown, a few per room per minute", async () => {
    await BotRule.create({ name: "抽奖", trigger: "keyword", keyword: "抽奖", replyText: "{链接}", link: "draw", drawSlug: "xmas-2026", cooldownSeconds: 30 });
    await BotRule.create({ name: "你好", trigger: "keyword", keyword: "你好", replyText: "你好呀", cooldownSeconds: 0 });
    const people = Array.from({ length: 12 }, (_, index) => bot.mocker.createContact({ name: `顾客${index}` }));
    const room = bot.mocker.createRoom({ topic: "粉丝群", memberIdList: [bot.me.id, ...people.map((person) => person.id)] });
    for (const person of people) {
      person.say("抽奖").to(room);
      person.say("你好").to(room);
    }
    await bot.settle();
    const said = bot.saidIn(room);
    assert.equal(said.length, ROOM_SENDS_PER_MINUTE, said.join(" | "));
    assert.equal(said.filter((text) => text.includes("/draw/")).length, 1, "one draw link within its cooldown");
    assert.equal(await BotReply.countDocuments({ state: "rate_limited" }), 24 - ROOM_SENDS_PER_MINUTE);
    // A minute later the room may speak again, and the draw rule after its cooldown.
    bot.clock.now = new Date(bot.clock.now.getTime() + 61_000);
    people[0]?.say("抽奖").to(room);
    await bot.settle();
    assert.equal(bot.saidIn(room).length, ROOM_SENDS_PER_MINUTE + 1);
  });
});
