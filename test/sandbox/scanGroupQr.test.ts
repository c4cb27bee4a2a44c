// 长按识别 a funnel's group QR in the sandbox (POST /sandbox/api/scan-group-qr): the stand-in lets
// the customer into the join way's first group with room, records the way's state on the member
// and tells the product, which counts the join and rotates the funnel; a full group (200) is passed
// over, auto_create_room opens the next group, and an expired or foreign QR is refused.
import assert from "node:assert/strict";
import { Funnel } from "../../server/models/Funnel.ts";
import { seedCorp } from "../../server/sandbox/actions/seed.ts";
import { GROUPS } from "../../server/sandbox/demoData.ts";
import { SANDBOX_GROUP_CAPACITY, SandboxContactWay, SandboxGroup, SandboxJoinWay } from "../../server/sandbox/models/index.ts";
import { funnelBody } from "../support/funnels.ts";
import { resetDatabase } from "../support/hooks.ts";
import { consoleSend } from "../support/server.ts";
import { startSandboxServer, type SandboxServer } from "./sandboxServer.ts";

type Json = { data?: Record<string, unknown>; message?: string };

describe("sandbox scan-group-qr (a funnel's landing page, 长按识别)", function () {
  this.timeout(60_000);
  let sandbox: SandboxServer;
  const chatIds: string[] = [];

  before(async () => {
    sandbox = await startSandboxServer();
  });
  after(() => sandbox.close());

  beforeEach(async () => {
    await resetDatabase();
    await seedCorp({ callbackUrl: sandbox.server.url, now: () => new Date() });
    await sandbox.settle();
    chatIds.length = 0;
    for (const seed of GROUPS.slice(0, 2)) {
      const group = await SandboxGroup.findOne({ name: seed.name }).lean();
      assert.ok(group);
      chatIds.push(group.chat_id);
    }
  });

  async function post(path: string, body: unknown): Promise<{ status: number; body: Json }> {
    const response = await fetch(`${sandbox.server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Json };
  }

  /** A new WeChat user (scans a seeded channel code). */
  async function aCustomer(name: string): Promise<string> {
    const way = await SandboxContactWay.findOne().lean();
    assert.ok(way);
    const scanned = await post("/sandbox/api/scan", { configId: way.config_id, name });
    assert.equal(scanned.status, 201, JSON.stringify(scanned.body));
    return String(scanned.body.data?.external_userid);
  }

  async function aFunnel(overrides: Record<string, unknown>): Promise<{ state: string; qr: string; id: string }> {
    const created = await consoleSend(sandbox.server, "POST", "/api/console/funnels", funnelBody({ threshold: 2, groups: chatIds.map((chatId) => ({ kind: "wecom", chatId })), ...overrides }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const data = created.body.data as { state: string; joinWayQrCode: string; id: string };
    assert.match(data.joinWayQrCode, /\/qr\/join_way\/[A-Za-z0-9_-]+\.png$/, "get_join_way's QR is the stand-in's image");
    return { state: data.state, qr: data.joinWayQrCode, id: data.id };
  }

  /** Fill a group to WeCom's 200 on its side (as if many had joined). */
  async function fill(chatId: string): Promise<void> {
    const group = await SandboxGroup.findById(chatId).lean();
    assert.ok(group);
    const extra = Array.from({ length: SANDBOX_GROUP_CAPACITY - group.member_list.length }, (_, index) => ({ userid: `wmFILL${chatId.slice(-6)}${index}`, type: 2, join_time: 1, join_scene: 3 }));
    await SandboxGroup.updateOne({ _id: chatId }, { $push: { member_list: { $each: extra } } });
  }

  it("joins the first group with room, with the funnel's state; the product counts the join and rotates at the threshold", async () => {
    const funnel = await aFunnel({});
    const customer = await aCustomer("群活码顾客甲");
    const joined = await post("/sandbox/api/scan-group-qr", { externalUserId: customer, qr: funnel.qr });
    assert.equal(joined.status, 200, JSON.stringify(joined.body));
    assert.equal(joined.body.data?.chat_id, chatIds[0]);
    assert.equal(joined.body.data?.memberCount, 2);
    const member = (await SandboxGroup.findById(chatIds[0]).lean())?.member_list.find((entry) => entry.userid === customer);
    assert.equal(member?.join_scene, 3);
    assert.equal(member?.state, funnel.state, "groupchat/get answers the join way's state");
    await sandbox.settle();

    const stored = await Funnel.findById(funnel.id).lean();
    assert.equal(stored?.stats.joins, 1);
    assert.deepEqual(stored?.joinWay?.chatIds, [chatIds[1]], "the full group left the join way");
    assert.deepEqual((await SandboxJoinWay.findOne({ state: funnel.state }).lean())?.chat_id_list, [chatIds[1]], "WeCom got the new list");

    // The next customer, scanning the same QR, lands in the second group.
    const next = await post("/sandbox/api/scan-group-qr", { externalUserId: await aCustomer("群活码顾客乙"), qr: funnel.qr });
    assert.equal(next.body.data?.chat_id, chatIds[1]);
    const again = await post("/sandbox/api/scan-group-qr", { externalUserId: customer, qr: `wecom-sandbox:join_way:${String((await SandboxJoinWay.findOne({ state: funnel.state }).lean())?._id)}` });
    assert.equal(again.status, 200, "the QR's text works as well as its image URL");
  });

  it("passes over a group at 200, and says the groups are full when none has room and the way may not create one", async () => {
    const funnel = await aFunnel({ threshold: 200, autoCreateRoom: false });
    await fill(chatIds[0] as string);
    const joined = await post("/sandbox/api/scan-group-qr", { externalUserId: await aCustomer("群活码顾客丙"), qr: funnel.qr });
    assert.equal(joined.body.data?.chat_id, chatIds[1], "the full first group is skipped");
    await fill(chatIds[1] as string);
    const refused = await post("/sandbox/api/scan-group-qr", { externalUserId: await aCustomer("群活码顾客丁"), qr: funnel.qr });
    assert.equal(refused.status, 422);
    assert.match(refused.body.message ?? "", /群已满（200 人）/);
  });

  it("auto_create_room: WeCom opens the next group with the customer in it, and the product adds it to the funnel's pool", async () => {
    const funnel = await aFunnel({ threshold: 200, autoCreateRoom: true, roomBaseName: "直播福利群", roomBaseId: 1, groups: [{ kind: "wecom", chatId: chatIds[0] }] });
    await fill(chatIds[0] as string);
    const customer = await aCustomer("群活码顾客戊");
    const joined = await post("/sandbox/api/scan-group-qr", { externalUserId: customer, qr: funnel.qr });
    assert.equal(joined.status, 200, JSON.stringify(joined.body));
    assert.equal(joined.body.data?.created, true);
    assert.equal(joined.body.data?.name, "直播福利群2");
    const chatId = String(joined.body.data?.chat_id);
    assert.ok((await SandboxJoinWay.findOne({ state: funnel.state }).lean())?.chat_id_list.includes(chatId), "the way lists the group it opened");
    await sandbox.settle();
    const stored = await Funnel.findById(funnel.id).lean();
    assert.ok(stored?.groups.some((group) => group.chatId === chatId), `adopted into the pool: ${JSON.stringify(stored?.groups)}`);
    assert.equal(stored?.stats.joins, 1);
  });

  it("refuses an expired QR, a QR that is no join way, and a customer already in the group", async () => {
    const funnel = await aFunnel({});
    const customer = await aCustomer("群活码顾客己");
    assert.equal((await post("/sandbox/api/scan-group-qr", { externalUserId: customer, qr: funnel.qr })).status, 200);
    // Back to the first group (the product rotated away from it): the customer is in it already.
    await SandboxJoinWay.updateOne({ state: funnel.state }, { $set: { chat_id_list: [chatIds[0]] } });
    const twice = await post("/sandbox/api/scan-group-qr", { externalUserId: customer, qr: funnel.qr });
    assert.equal(twice.status, 409);
    const foreign = await post("/sandbox/api/scan-group-qr", { externalUserId: customer, qr: "https://example.com/some-poster.png" });
    assert.equal(foreign.status, 422);
    assert.match(foreign.body.message ?? "", /无法识别/);
    await SandboxJoinWay.updateOne({ state: funnel.state }, { $set: { created_at: new Date(Date.now() - 8 * 86_400_000) } });
    const expired = await post("/sandbox/api/scan-group-qr", { externalUserId: await aCustomer("群活码顾客庚"), qr: funnel.qr });
    assert.equal(expired.status, 422);
    assert.match(expired.body.message ?? "", /已过期/);
    const missing = await post("/sandbox/api/scan-group-qr", { externalUserId: customer, qr: "" });
    assert.equal(missing.status, 400);
  });
});
