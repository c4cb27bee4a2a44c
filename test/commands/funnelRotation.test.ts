import assert from "node:assert/strict";
import type { Db } from "mongodb";
import mongoose from "mongoose";
import funnelJoinRecorder from "../../server/commands/funnelJoinRecorder.ts";
import { startScheduler } from "../../server/jobs/scheduler.ts";
import { clearLandingCache } from "../../server/commands/landingCache.ts";
import { Funnel } from "../../server/models/Funnel.ts";
import { Group } from "../../server/models/Group.ts";
import type { ExternalChatEvent } from "../../server/wecom/callbackEvent.ts";
import { chatEventXml, deliver } from "../support/callbacks.ts";
import { aGroupOf, funnelBody, nockJoinWays, TINY_PNG } from "../support/funnels.ts";
import { consoleGet, consoleSend, testProcessor, testWeComClient, useTestServer } from "../support/server.ts";
import { anEmployee } from "../support/factories.ts";
import { AGENT_ACCESS_TOKEN, nockAgentToken, nockToken, wecomApi } from "../support/wecomNock.ts";

const HOUR = 3_600_000;

describe("funnel rotation", () => {
  let clock = new Date("2026-06-01T02:00:00Z");
  const context = useTestServer({ now: () => clock });
  beforeEach(() => {
    clock = new Date("2026-06-01T02:00:00Z");
    // The database is emptied under the running server; its pages of the last test must go too.
    clearLandingCache();
    nockToken();
  });

  const joinEvent = (chatId: string, memberId: string, version: number): ExternalChatEvent => ({
    ToUserName: "corp",
    FromUserName: "sys",
    CreateTime: 1_780_000_000 + version,
    MsgType: "event",
    Event: "change_external_chat",
    ChangeType: "update",
    ChatId: chatId,
    UpdateDetail: "add_member",
    JoinScene: 3,
    MemChangeCnt: 1,
    MemChangeList: [memberId],
    LastMemVer: `v${version}`,
    CurMemVer: `v${version + 1}`,
  });

  it("should rotate exactly once when 50 joins arrive at once as a group fills", async () => {
    await aGroupOf("wrChatA", 4);
    for (const chatId of ["wrChatB", "wrChatC", "wrChatD", "wrChatE", "wrChatF"]) {
      await aGroupOf(chatId, 0);
    }
    const calls = nockJoinWays();
    const groups = ["wrChatA", "wrChatB", "wrChatC", "wrChatD", "wrChatE", "wrChatF"].map((chatId) => ({ kind: "wecom", chatId }));
    const created = await consoleSend(context.server, "POST", "/api/console/funnels", funnelBody({ threshold: 5, groups }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(calls.add[0]?.chat_id_list, ["wrChatA", "wrChatB", "wrChatC", "wrChatD", "wrChatE"]);
    const before = await Funnel.findOne({ slug: "spring" }).lean();

    // The fifth member is in (groupUpdater stored it); 50 join events for the group are handled at once.
    await Group.updateOne({ chatId: "wrChatA" }, { $push: { members: { id: "wmJoinerFifth0001", type: "customer", status: "in", joinScene: 3 } } });
    const wecom = testWeComClient();
    await Promise.all(Array.from({ length: 50 }, (_, index) => funnelJoinRecorder({ wecom, event: joinEvent("wrChatA", `wmJoiner${String(index).padStart(8, "0")}`, index), now: clock })));

    assert.equal(calls.update.length, 1, "one update_join_way");
    assert.deepEqual(calls.update[0]?.chat_id_list, ["wrChatB", "wrChatC", "wrChatD", "wrChatE", "wrChatF"]);
    const after = await Funnel.findOne({ slug: "spring" }).lean();
    assert.equal(after?.rotationVersion, (before?.rotationVersion ?? 0) + 1);
    assert.equal(after?.joinWay?.syncedVersion, after?.rotationVersion);
    assert.equal(after?.stats?.joins, 50);
    assert.equal(after?.groups[0]?.memberCount, 5);

    // A retried event counts nothing more and rotates nothing.
    await funnelJoinRecorder({ wecom, event: joinEvent("wrChatA", "wmJoiner00000007", 7), now: clock });
    assert.equal((await Funnel.findOne({ slug: "spring" }).lean())?.stats?.joins, 50);
    assert.equal(calls.update.length, 1);
  });

  it("should count QR joins from the group events themselves, once per retried delivery, and rotate on them", async () => {
    await aGroupOf("wrChatA", 1);
    await aGroupOf("wrChatB", 0);
    await Group.updateOne({ chatId: "wrChatA" }, { $set: { memberVersion: "v1" } });
    const calls = nockJoinWays();
    await consoleSend(context.server, "POST", "/api/console/funnels", funnelBody({ threshold: 3 }));
    const processor = testProcessor({ context: { wecom: testWeComClient(), now: () => clock } });
    const join = chatEventXml("update", { ChatId: "wrChatA", UpdateDetail: "add_member", JoinScene: 3, MemChangeCnt: 2, MemChangeList: ["wmScanner0000001", "wmScanner0000002"], LastMemVer: "v1", CurMemVer: "v2" });
    // Delivered twice, as WeCom retries; stamped by the test's clock, which the server checks it against.
    const timestamp = String(Math.floor(clock.getTime() / 1000));
    await deliver(context.server.url, join, { timestamp });
    await deliver(context.server.url, join, { timestamp });
    await processor.drain();
    const funnel = await Funnel.findOne({ slug: "spring" }).lean();
    assert.equal(funnel?.stats?.joins, 2);
    assert.equal(funnel?.groups[0]?.memberCount, 3);
    assert.deepEqual(calls.update.map((body) => body.chat_id_list), [["wrChatB"]]);
  });

  it("should switch uploaded QRs at expiry (the job on an injected clock), warn when the pool runs low, and show the empty page when none is left", async () => {
    nockJoinWays();
    const upload = async () => {
      const answer = await consoleSend(context.server, "POST", "/api/console/funnels/images", { data: TINY_PNG.toString("base64") });
      return (answer.body.data as { imageId: string }).imageId;
    };
    const first = await upload();
    const second = await upload();
    const groups = [
      { kind: "image", imageId: first, name: "直播间一群", expiresAt: new Date(clock.getTime() + 2 * HOUR).toISOString() },
      { kind: "image", imageId: second, name: "直播间二群", expiresAt: new Date(clock.getTime() + 26 * HOUR).toISOString() },
    ];
    const created = await consoleSend(context.server, "POST", "/api/console/funnels", funnelBody({ slug: "live", lowPoolWarning: 2, groups }));
    const id = (created.body.data as { id: string }).id;
    const page = async () => (await fetch(`${context.server.url}/g/live`)).text();
    assert.match(await page(), new RegExp(`/g/live/qr/${first}`));
    assert.equal(((await consoleGet(context.server, `/api/console/funnels/${id}`)).body.data as { warning: unknown }).warning, null);

    const runJobAt = async (at: Date) => {
      clock = at;
      const scheduler = await startScheduler(mongoose.connection.db as Db, { wecom: testWeComClient(), now: () => clock }, { processEvery: 100 });
      try {
        await scheduler.runNow("RotateFunnelsJob");
      } finally {
        await scheduler.stop();
      }
    };
    await runJobAt(new Date(clock.getTime() + 3 * HOUR));
    let funnel = (await consoleGet(context.server, `/api/console/funnels/${id}`)).body.data as { warning: { usable: number } | null; groups: { current: boolean; usable: boolean }[] };
    assert.deepEqual(funnel.groups.map((group) => [group.current, group.usable]), [[false, false], [true, true]]);
    assert.equal(funnel.warning?.usable, 1, "one usable group left, fewer than the 2 asked for");
    const html = await page();
    assert.match(html, new RegExp(`/g/live/qr/${second}`));
    assert.match(html, /直播间二群/);

    await runJobAt(new Date(clock.getTime() + 24 * HOUR));
    funnel = (await consoleGet(context.server, `/api/console/funnels/${id}`)).body.data as typeof funnel;
    assert.equal(funnel.warning?.usable, 0);
    assert.match(await page(), /群已满员，新群正在准备中/);
  });

  it("should warn the operators once by app message when the pool runs low, and keep the warning for the console", async () => {
    await anEmployee("ops01", { role: "operator" });
    await anEmployee("guide01");
    await aGroupOf("wrChatA", 2);
    await aGroupOf("wrChatB", 0);
    nockJoinWays();
    nockAgentToken();
    const messages: Record<string, unknown>[] = [];
    wecomApi()
      .post("/cgi-bin/message/send")
      .query({ access_token: AGENT_ACCESS_TOKEN })
      .reply(200, (_uri, body) => {
        messages.push(body as Record<string, unknown>);
        return { errcode: 0, errmsg: "ok" };
      })
      .persist();
    const created = await consoleSend(context.server, "POST", "/api/console/funnels", funnelBody({ threshold: 3, lowPoolWarning: 2 }));
    assert.equal(((created.body.data as { warning: unknown }).warning), null);
    await Group.updateOne({ chatId: "wrChatA" }, { $push: { members: { id: "wmJoinerThird0001", type: "customer", status: "in", joinScene: 3 } } });
    const wecom = testWeComClient();
    await Promise.all([1, 2, 3].map((version) => funnelJoinRecorder({ wecom, event: joinEvent("wrChatA", "wmJoinerThird0001", version), now: clock, agentId: "1000002" })));
    assert.deepEqual(messages, [
      {
        touser: "ops01",
        msgtype: "text",
        agentid: 1000002,
        text: { content: "群活码预警：「春季会员福利群」只剩 1 个可用的群（预警线 2 个），请尽快在控制台「群活码」里添加新群或上传新的群二维码。" },
      },
    ]);
    const funnel = (await consoleGet(context.server, `/api/console/funnels/${(created.body.data as { id: string }).id}`)).body.data as { warning: { usable: number } | null };
    assert.equal(funnel.warning?.usable, 1);
  });

  it("should take a group WeCom opened by itself (auto_create_room, members carrying the funnel's state) into the pool", async () => {
    await aGroupOf("wrChatA", 3);
    const calls = nockJoinWays();
    await consoleSend(context.server, "POST", "/api/console/funnels", funnelBody({ threshold: 3, groups: [{ kind: "wecom", chatId: "wrChatA" }] }));
    await Group.create({ chatId: "wrAutoRoom01", name: "福利群10", ownerId: "guideA", members: [{ id: "wmAutoJoiner0001", type: "customer", status: "in", joinScene: 3, state: "g-spring" }] });
    await funnelJoinRecorder({ wecom: testWeComClient(), event: joinEvent("wrAutoRoom01", "wmAutoJoiner0001", 1), now: clock });
    const funnel = await Funnel.findOne({ slug: "spring" }).lean();
    assert.deepEqual(funnel?.groups.map((group) => [group.chatId, group.memberCount, group.joins]), [["wrChatA", 3, 0], ["wrAutoRoom01", 1, 1]]);
    assert.deepEqual(calls.update.map((body) => body.chat_id_list), [["wrAutoRoom01"]]);
    // A group nobody's join way opened stays out.
    await aGroupOf("wrOtherChat1", 1);
    await funnelJoinRecorder({ wecom: testWeComClient(), event: joinEvent("wrOtherChat1", "wmOther000000001", 1), now: clock });
    assert.equal((await Funnel.findOne({ slug: "spring" }).lean())?.groups.length, 2);
  });
});
