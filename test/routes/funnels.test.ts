import assert from "node:assert/strict";
import type { Db } from "mongodb";
import mongoose from "mongoose";
import QRCode from "qrcode";
import { startScheduler } from "../../server/jobs/scheduler.ts";
import { clearLandingCache } from "../../server/commands/landingCache.ts";
import { Funnel, FunnelChat } from "../../server/models/Funnel.ts";
import { aGroupOf, funnelBody, nockJoinWays, TINY_PNG } from "../support/funnels.ts";
import { API_TOKEN, consoleGet, consoleSend, testWeComClient, useTestServer } from "../support/server.ts";
import { ACCESS_TOKEN, nockToken, wecomApi } from "../support/wecomNock.ts";

const del = async (url: string) => {
  const response = await fetch(url, { method: "DELETE", headers: { authorization: `Bearer ${API_TOKEN}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("group-code funnels (群活码) in the console", () => {
  const context = useTestServer({ publicUrl: "https://scrm.example.com" });
  beforeEach(async () => {
    // The database is emptied under the running server; its pages of the last test must go too.
    clearLandingCache();
    nockToken();
    await aGroupOf("wrChatA", 3, "会员福利一群");
    await aGroupOf("wrChatB", 0, "会员福利二群");
  });

  it("should create a funnel with its join way (body checked), keep the config id and QR, and list it", async () => {
    const calls = nockJoinWays();
    const created = await consoleSend(context.server, "POST", "/api/console/funnels", funnelBody());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(calls.add, [
      { scene: 2, remark: "春季会员福利群", auto_create_room: 1, room_base_name: "福利群", room_base_id: 10, chat_id_list: ["wrChatA", "wrChatB"], state: "g-spring" },
    ]);
    const data = created.body.data as Record<string, unknown>;
    assert.equal(data.joinWayQrCode, "https://wework.qpic.cn/wwpic/qr-funnel-1/0");
    assert.equal(data.landingPath, "/g/spring");
    assert.equal(data.threshold, 180);
    assert.deepEqual((data.groups as { name: string; memberCount: number; current: boolean }[]).map((group) => [group.name, group.memberCount, group.current]), [
      ["会员福利一群", 3, true],
      ["会员福利二群", 0, true],
    ]);
    const stored = await Funnel.findOne({ slug: "spring" }).lean();
    assert.equal(stored?.joinWay?.configId, "cfg-funnel-1");
    const list = await consoleGet(context.server, "/api/console/funnels");
    assert.deepEqual((list.body.data as { slug: string }[]).map((funnel) => funnel.slug), ["spring"]);
    const pool = await consoleGet(context.server, `/api/console/funnels/${String(data.id)}/pool`);
    assert.equal((pool.body.data as { usableGroups: number }).usableGroups, 2);
  });

  it("should refuse bad input in Chinese naming the field, and change nothing", async () => {
    const calls = nockJoinWays();
    const cases: [Record<string, unknown>, number, string][] = [
      [funnelBody({ groups: [] }), 400, "groups: 请至少添加一个群（企业微信群或上传的群二维码）"],
      [funnelBody({ threshold: 201 }), 400, "threshold: 容量阈值应在 1 到 200 之间"],
      [funnelBody({ threshold: 0 }), 400, "threshold: 容量阈值应在 1 到 200 之间"],
      [funnelBody({ state: "s".repeat(31) }), 400, "state: 渠道参数不能超过 30 个字符"],
      [funnelBody({ slug: "春季" }), 400, "slug: 链接标识只能用小写字母、数字和 -，2 到 40 位"],
      [funnelBody({ groups: [{ kind: "wecom", chatId: "wrChatA" }, { kind: "wecom", chatId: "wrChatA" }] }), 400, "groups.1: 同一个群不能重复添加"],
    ];
    for (const [body, status, message] of cases) {
      const answer = await consoleSend(context.server, "POST", "/api/console/funnels", body);
      assert.equal(answer.status, status, message);
      assert.equal(answer.body.message, message);
    }
    assert.equal(calls.add.length, 0);
    assert.equal(await Funnel.countDocuments({}), 0);
    assert.equal(await FunnelChat.countDocuments({}), 0);
  });

  it("should leave nothing behind when WeCom refuses the join way", async () => {
    wecomApi().post("/cgi-bin/externalcontact/groupchat/add_join_way").query({ access_token: ACCESS_TOKEN }).reply(200, { errcode: 41091, errmsg: "too many chat ids" });
    const answer = await consoleSend(context.server, "POST", "/api/console/funnels", funnelBody());
    assert.equal(answer.status, 422);
    assert.equal(answer.body.message, "groups: 企业微信拒绝了加入群聊设置：too many chat ids（41091），活码未改动");
    assert.equal(await Funnel.countDocuments({}), 0);
    assert.equal(await FunnelChat.countDocuments({}), 0);
  });

  it("should check uploaded QR images by size and type, and make an image-only funnel without a join way", async () => {
    const big = Buffer.concat([TINY_PNG, Buffer.alloc(2 * 1024 * 1024)]);
    const tooBig = await consoleSend(context.server, "POST", "/api/console/funnels/images", { data: big.toString("base64") });
    assert.equal(tooBig.status, 400);
    assert.equal(tooBig.body.message, "data: 图片不能超过 2MB（当前 2.0MB）");
    const gif = await consoleSend(context.server, "POST", "/api/console/funnels/images", { data: Buffer.from("GIF89a-not-a-qr").toString("base64") });
    assert.equal(gif.body.message, "data: 只支持 PNG 或 JPG 图片");
    const upload = await consoleSend(context.server, "POST", "/api/console/funnels/images", { data: `data:image/png;base64,${TINY_PNG.toString("base64")}` });
    assert.equal(upload.status, 201, JSON.stringify(upload.body));
    const imageId = (upload.body.data as { imageId: string }).imageId;
    const expiresAt = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const created = await consoleSend(context.server, "POST", "/api/console/funnels", funnelBody({ slug: "store-event", groups: [{ kind: "image", imageId, name: "门店活动群", expiresAt }] }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const data = created.body.data as { joinWayQrCode: string; groups: { imageUrl: string; expiresAt: string; current: boolean }[] };
    assert.equal(data.joinWayQrCode, "");
    assert.deepEqual(data.groups.map((group) => [group.imageUrl, group.expiresAt, group.current]), [[`/g/store-event/qr/${imageId}`, expiresAt, true]]);
    const image = await fetch(`${context.server.url}/g/store-event/qr/${imageId}`);
    assert.equal(image.headers.get("content-type"), "image/png");
    assert.deepEqual(Buffer.from(await image.arrayBuffer()), TINY_PNG);
  });

  it("should update the join way with the whole new configuration, and delete it with the funnel", async () => {
    const calls = nockJoinWays();
    const created = await consoleSend(context.server, "POST", "/api/console/funnels", funnelBody());
    const id = (created.body.data as { id: string }).id;
    await aGroupOf("wrChatC", 1, "会员福利三群");
    const updated = await consoleSend(context.server, "PUT", `/api/console/funnels/${id}`, {
      ...funnelBody({ threshold: 3, groups: [{ kind: "wecom", chatId: "wrChatA" }, { kind: "wecom", chatId: "wrChatB" }, { kind: "wecom", chatId: "wrChatC" }] }),
      slug: undefined,
    });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    // wrChatA holds 3 and the threshold is now 3: it leaves the list.
    assert.deepEqual(calls.update, [
      { config_id: "cfg-funnel-1", scene: 2, remark: "春季会员福利群", auto_create_room: 1, room_base_name: "福利群", room_base_id: 10, chat_id_list: ["wrChatB", "wrChatC"], state: "g-spring" },
    ]);
    const removed = await del(`${context.server.url}/api/console/funnels/${id}`);
    assert.equal(removed.status, 200);
    assert.deepEqual(calls.del, [{ config_id: "cfg-funnel-1" }]);
    assert.equal(await FunnelChat.countDocuments({}), 0);
    assert.equal((await fetch(`${context.server.url}/g/spring`)).status, 404);
  });

  it("should download the permanent QR as <name>.png pointing at PUBLIC_URL/g/<slug>, and print a poster", async () => {
    nockJoinWays();
    const created = await consoleSend(context.server, "POST", "/api/console/funnels", funnelBody());
    const id = (created.body.data as { id: string }).id;
    const png = await fetch(`${context.server.url}/api/console/funnels/${id}/qr.png`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(png.status, 200);
    assert.equal(png.headers.get("content-type"), "image/png");
    assert.equal(png.headers.get("content-disposition"), `attachment; filename="funnel.png"; filename*=UTF-8''${encodeURIComponent("春季会员福利群.png")}`);
    const expected = await QRCode.toBuffer("https://scrm.example.com/g/spring", { type: "png", width: 1024, margin: 2, errorCorrectionLevel: "M" });
    assert.deepEqual(Buffer.from(await png.arrayBuffer()), expected);
    const poster = await fetch(`${context.server.url}/api/console/funnels/${id}/poster`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    const html = await poster.text();
    assert.match(html, /春季会员福利群/);
    assert.match(html, /https:\/\/scrm\.example\.com\/g\/spring/);
    assert.match(html, /src="data:image\/png;base64,/);
  });

  it("should keep the join way when its QR cannot be read yet, and let the job read it", async () => {
    wecomApi().post("/cgi-bin/externalcontact/groupchat/add_join_way").query({ access_token: ACCESS_TOKEN }).reply(200, { errcode: 0, errmsg: "ok", config_id: "cfg-late-qr" });
    let qrReady = false;
    wecomApi()
      .post("/cgi-bin/externalcontact/groupchat/get_join_way", { config_id: "cfg-late-qr" })
      .query({ access_token: ACCESS_TOKEN })
      .reply(200, () => (qrReady ? { errcode: 0, errmsg: "ok", join_way: { qr_code: "https://wework.qpic.cn/wwpic/late/0" } } : { errcode: 45009, errmsg: "api freq out of limit" }))
      .persist();
    const created = await consoleSend(context.server, "POST", "/api/console/funnels", funnelBody());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal((created.body.data as { joinWayQrCode: string }).joinWayQrCode, "");
    assert.match(await (await fetch(`${context.server.url}/g/spring`)).text(), /群已满员，新群正在准备中/);
    const groupChat = (chatId: string) => ({ errcode: 0, errmsg: "ok", group_chat: { chat_id: chatId, name: chatId, owner: "guideA", create_time: 1_700_000_000, member_version: "v1", member_list: [], admin_list: [] } });
    wecomApi().post("/cgi-bin/externalcontact/groupchat/get").query({ access_token: ACCESS_TOKEN }).times(2).reply(200, (_uri, body) => groupChat((body as { chat_id: string }).chat_id));
    qrReady = true;
    const scheduler = await startScheduler(mongoose.connection.db as Db, { wecom: testWeComClient(), now: () => new Date() }, { processEvery: 100 });
    try {
      await scheduler.runNow("RotateFunnelsJob");
    } finally {
      await scheduler.stop();
    }
    assert.equal((await Funnel.findOne({ slug: "spring" }).lean())?.joinWay?.qrCode, "https://wework.qpic.cn/wwpic/late/0");
  });
});
