import assert from "node:assert/strict";
import customerTransferGroups from "../../server/commands/customerTransferGroups.ts";
import customerTransferStarter from "../../server/commands/customerTransferStarter.ts";
import customerTransferSync from "../../server/commands/customerTransferSync.ts";
import unassignedSync from "../../server/commands/unassignedSync.ts";
import { WeComApiError } from "../../server/errors.ts";
import { CustomerTransfer } from "../../server/models/CustomerTransfer.ts";
import { DepartedGuide } from "../../server/models/DepartedGuide.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Group } from "../../server/models/Group.ts";
import { SANDBOX_AGENT_SECRET, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "../../server/sandbox/config.ts";
import { SandboxFollow, SandboxGroup, SandboxResignation, SandboxUser, unix } from "../../server/sandbox/models/index.ts";
import { startWeComStandIn, type WeComStandIn } from "../../server/sandbox/wecomApi/index.ts";
import type { Actor } from "../../server/security/authorization.ts";
import { WeComClient } from "../../server/wecom/client.ts";
import { resetDatabase } from "../support/hooks.ts";
import { customersOf, seedDirectory } from "../transfers/world.ts";
import { startSandboxServer, type SandboxServer } from "./sandboxServer.ts";

const START = new Date("2026-06-01T02:00:00Z");
const admin: Actor = { kind: "session", role: "admin", userId: "boss", scopeStoreIds: [] };
const CUSTOMERS = Array.from({ length: 40 }, (_, index) => `wmS${String(index).padStart(2, "0")}`);
const pair = (takeover: string) => ({ kind: "resigned" as const, handoverUserId: "gone1", takeoverUserId: takeover });

describe("sandbox stand-in: 离职继承 and 在职转接", () => {
  let standIn: WeComStandIn;
  let wecom: WeComClient;
  let clock = START;

  before(async () => {
    standIn = await startWeComStandIn({ port: 0, now: () => clock });
    wecom = new WeComClient({ baseUrl: standIn.url, corpId: SANDBOX_CORP_ID, secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 2 } });
  });
  after(() => standIn.close());

  beforeEach(async () => {
    clock = START;
    await resetDatabase();
    await seedDirectory();
    // WeCom's side: the same people and gone1's customers, gone1 resigned yesterday.
    await SandboxUser.create(["gone1", "ga1", "ga2", "gb1"].map((userid) => ({ userid, name: userid, status: userid === "gone1" ? 5 : 1 })));
    await SandboxResignation.create({ _id: "gone1", dimission_time: unix(START) - 86_400 });
    await SandboxFollow.create(CUSTOMERS.map((id) => ({ external_userid: id, userid: "gone1", createtime: unix(START) - 30 * 86_400 })));
    await customersOf("gone1", CUSTOMERS);
  });

  it("should list the departed guide's customers, take them in, decide believable outcomes over time and move the follows of the done ones", async () => {
    assert.deepEqual(await unassignedSync({ wecom, now: clock }), { listed: 40, groups: 0, removed: 0, guides: 1 });
    const started = await customerTransferStarter({ wecom, actor: admin, kind: "resigned", items: CUSTOMERS.map((id) => ({ externalUserId: id, handoverUserId: "gone1", takeoverUserId: null })), now: clock });
    assert.equal(started.accepted, 40);
    // In flight: no longer unassigned in WeCom.
    clock = new Date(START.getTime() + 10_000);
    assert.equal((await unassignedSync({ wecom, now: clock })).listed, 0);
    for (const takeover of ["ga1", "ga2"]) {
      assert.equal((await customerTransferSync({ wecom, pair: pair(takeover), now: clock })).pending, 20, "a few seconds later everyone is still waiting");
    }

    clock = new Date(START.getTime() + 5 * 60_000);
    for (const takeover of ["ga1", "ga2"]) {
      await customerTransferSync({ wecom, pair: pair(takeover), now: clock });
    }
    const counts = async () => Object.fromEntries((await CustomerTransfer.aggregate<{ _id: string; n: number }>([{ $group: { _id: "$state", n: { $sum: 1 } } }])).map((row) => [row._id, row.n]));
    const early = await counts();
    assert.ok((early.done ?? 0) >= 20, `most are done after a few minutes: ${JSON.stringify(early)}`);
    assert.ok((early.waiting ?? 0) > 0, `some customers have not answered yet: ${JSON.stringify(early)}`);

    clock = new Date(START.getTime() + 2 * 86_400_000);
    for (const takeover of ["ga1", "ga2"]) {
      assert.equal((await customerTransferSync({ wecom, pair: pair(takeover), now: clock })).pending, 0);
    }
    const late = await counts();
    assert.equal((late.done ?? 0) + (late.customer_refused ?? 0) + (late.takeover_full ?? 0), 40, JSON.stringify(late));
    assert.ok((late.customer_refused ?? 0) + (late.takeover_full ?? 0) > 0, `an occasional refusal: ${JSON.stringify(late)}`);

    // WeCom's follows and ours agree: the done ones belong to their takeover guide.
    for (const transfer of await CustomerTransfer.find({ state: "done" }).lean()) {
      assert.ok(await SandboxFollow.exists({ external_userid: transfer.targetId, userid: transfer.takeoverUserId }));
      assert.equal(await SandboxFollow.exists({ external_userid: transfer.targetId, userid: "gone1" }), null);
      assert.equal((await Follow.findOne({ externalUserId: transfer.targetId, userId: transfer.takeoverUserId }).lean())?.status, "active");
    }
    // The refused ones are the departed guide's to give again.
    assert.equal((await unassignedSync({ wecom, now: clock })).listed, (late.customer_refused ?? 0) + (late.takeover_full ?? 0));
  });

  it("should refuse like WeCom: a guide still employed (40097), a customer already moving (40129), a third on-job move in 90 days (40128)", async () => {
    const refused = await wecom.post("/cgi-bin/externalcontact/resigned/transfer_customer", { handover_userid: "ga1", takeover_userid: "ga2", external_userid: ["wmS00"] }).catch((error: unknown) => error);
    assert.ok(refused instanceof WeComApiError && refused.errcode === 40097);
    const call = (path: string, handover: string, takeover: string) => wecom.post<{ customer: { errcode: number }[] }>(path, { handover_userid: handover, takeover_userid: takeover, external_userid: ["wmS00"] });
    assert.equal((await call("/cgi-bin/externalcontact/resigned/transfer_customer", "gone1", "ga1")).customer[0]?.errcode, 0);
    assert.equal((await call("/cgi-bin/externalcontact/resigned/transfer_customer", "gone1", "ga2")).customer[0]?.errcode, 40129);

    await SandboxFollow.create({ external_userid: "wmJob", userid: "ga1", createtime: unix(START) });
    const onjob = "/cgi-bin/externalcontact/transfer_customer";
    const move = async (from: string, to: string) => (await wecom.post<{ customer: { errcode: number }[] }>(onjob, { handover_userid: from, takeover_userid: to, external_userid: ["wmJob"] })).customer[0]?.errcode;
    const settle = async (from: string, to: string) => {
      clock = new Date(clock.getTime() + 2 * 86_400_000);
      await wecom.post("/cgi-bin/externalcontact/transfer_result", { handover_userid: from, takeover_userid: to });
    };
    assert.equal(await move("ga1", "ga2"), 0);
    await settle("ga1", "ga2");
    const holder = (await SandboxFollow.findOne({ external_userid: "wmJob" }).lean())?.userid;
    const other = holder === "ga1" ? "ga2" : "ga1";
    assert.equal(await move(holder!, other), 0);
    await settle(holder!, other);
    const now = (await SandboxFollow.findOne({ external_userid: "wmJob" }).lean())?.userid;
    assert.equal(await move(now!, now === "ga1" ? "ga2" : "ga1"), 40128);
  });

  it("should hand a departed guide's group to the new owner", async () => {
    await SandboxGroup.create({ chat_id: "chatS", name: "静安老客群", owner: "gone1", create_time: unix(START), status: 1, member_list: [], admin_list: [], member_version: "v1" });
    await Group.create({ chatId: "chatS", name: "静安老客群", ownerId: "gone1" });
    assert.deepEqual(await customerTransferGroups({ wecom, actor: admin, kind: "resigned", handoverUserId: "gone1", takeoverUserId: "ga1", chatIds: ["chatS"], now: clock }), { done: 1, refused: 0 });
    const group = await SandboxGroup.findById("chatS").lean();
    assert.deepEqual([group?.owner, group?.status], ["ga1", 3]);
  });
});

describe("sandbox page: a guide leaves (离职)", () => {
  let sandbox: SandboxServer;
  before(async () => {
    sandbox = await startSandboxServer();
  });
  after(() => sandbox.close());
  beforeEach(() => resetDatabase());

  const resign = async (userid: string) => {
    const response = await fetch(`${sandbox.server.url}/sandbox/api/guides/${userid}/resign`, { method: "POST" });
    return { status: response.status, body: (await response.json()) as { data?: unknown; message?: string } };
  };

  it("should take the guide out of the directory, leave their customers unassigned and their groups waiting, once", async () => {
    await SandboxUser.create({ userid: "liting", name: "李婷", status: 1 });
    await Employee.create({ userId: "liting", name: "李婷" });
    await SandboxFollow.create(["wmA", "wmB"].map((id) => ({ external_userid: id, userid: "liting", createtime: unix(new Date()) })));
    await SandboxGroup.create({ chat_id: "chatL", name: "李婷的群", owner: "liting", create_time: unix(new Date()), member_list: [], admin_list: [], member_version: "v1" });
    const first = await resign("liting");
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.deepEqual(first.body.data, { customers: 2, groups: 1 });
    await sandbox.settle();
    assert.equal((await Employee.findOne({ userId: "liting" }).lean())?.deleted, true, "the delete_user callback reached the product");
    const again = await resign("liting");
    assert.deepEqual([again.status, again.body.message], [409, "该导购已离职"]);
    assert.equal((await resign("nobody")).status, 404);
    const wecom = new WeComClient({ baseUrl: sandbox.wecomApiBase, corpId: SANDBOX_CORP_ID, secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    const list = await wecom.post<{ info: { external_userid: string }[] }>("/cgi-bin/externalcontact/get_unassigned_list", { cursor: "" });
    assert.deepEqual(list.info.map((row) => row.external_userid), ["wmA", "wmB"]);
    // The group waits as 离职待继承, so 离职继承 lists it with her (read once from WeCom: we never kept it).
    assert.deepEqual(await unassignedSync({ wecom, now: new Date() }), { listed: 2, groups: 1, removed: 0, guides: 1 });
    assert.deepEqual((await DepartedGuide.findById("liting").lean())?.groupChatIds, ["chatL"]);
  });
});
