import assert from "node:assert/strict";
import mongoose from "mongoose";
import nock from "nock";
import { indexOpenTasks } from "../../server/commands/openTasks.ts";
import { countTasksDue } from "../../server/commands/taskCounts.ts";
import { CompletionDay } from "../../server/models/CompletionDay.ts";
import customerTransferGroups from "../../server/commands/customerTransferGroups.ts";
import customerTransferRetrier from "../../server/commands/customerTransferRetrier.ts";
import customerTransferStarter from "../../server/commands/customerTransferStarter.ts";
import customerTransferSync from "../../server/commands/customerTransferSync.ts";
import unassignedSync from "../../server/commands/unassignedSync.ts";
import { SyncCustomerTransferJob } from "../../server/jobs/SyncCustomerTransferJob.ts";
import { CustomerTransfer } from "../../server/models/CustomerTransfer.ts";
import { DepartedGuide } from "../../server/models/DepartedGuide.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Group } from "../../server/models/Group.ts";
import { Member } from "../../server/models/Member.ts";
import { MemberIdentity } from "../../server/models/MemberIdentity.ts";
import { Task, type TaskAttrs } from "../../server/models/Task.ts";
import { UnassignedCustomer } from "../../server/models/UnassignedCustomer.ts";
import type { Actor } from "../../server/security/authorization.ts";
import { aGroup } from "../support/factories.ts";
import { resetDatabase } from "../support/hooks.ts";
import { testWeComClient } from "../support/server.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";
import { customersOf, JINGAN, nockContactUsers, nockTransferCalls, nockTransferResults, nockUnassigned, seedDirectory } from "./world.ts";

const RESIGNED = "/cgi-bin/externalcontact/resigned/transfer_customer";
const RESIGNED_RESULT = "/cgi-bin/externalcontact/resigned/transfer_result";
const ONJOB = "/cgi-bin/externalcontact/transfer_customer";
const ONJOB_RESULT = "/cgi-bin/externalcontact/transfer_result";
const AT = new Date("2026-06-01T02:00:00Z");
const LATER = new Date("2026-06-02T02:00:00Z");
const DIMISSION = Math.floor(new Date("2026-05-30T10:00:00Z").getTime() / 1000);

const admin: Actor = { kind: "session", role: "admin", userId: "boss", scopeStoreIds: [] };
const xuhuiManager: Actor = { kind: "session", role: "manager", userId: "mgr102", scopeStoreIds: ["102"] };
const agendaJobs = () => mongoose.connection.db!.collection("agenda_jobs");
const wecom = testWeComClient();
const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}${String(index).padStart(3, "0")}`);

/** gone1's customers, listed by WeCom as unassigned and synced. */
async function departedCustomers(count: number): Promise<string[]> {
  const customers = ids("wm", count);
  await customersOf("gone1", customers);
  nockUnassigned(customers.map((id) => ({ handover_userid: "gone1", external_userid: id, dimission_time: DIMISSION })), 1000);
  await unassignedSync({ wecom, now: AT });
  return customers;
}

const states = async () => Object.fromEntries((await CustomerTransfer.find({ subject: "customer" }).sort({ targetId: 1 }).lean()).map((row) => [row.targetId, `${row.state}:${row.takeoverUserId}`]));

describe("customer transfers (离职继承 / 在职转接)", () => {
  beforeEach(async () => {
    await resetDatabase();
    await agendaJobs().deleteMany({});
    await seedDirectory();
    nockToken();
    nockContactUsers();
  });

  describe("the daily unassigned sync", () => {
    it("should read every page by next_cursor, keep names and stores, count the departed guides, and remove customers who left the list", async () => {
      await customersOf("gone1", ["wmA", "wmB", "wmC"]);
      await aGroup("chat-gone", "gone1", ["wmA"], "静安老客群");
      const rows = [
        { handover_userid: "gone1", external_userid: "wmA", dimission_time: DIMISSION },
        { handover_userid: "gone1", external_userid: "wmB", dimission_time: DIMISSION },
        { handover_userid: "gone2", external_userid: "wmZ", dimission_time: DIMISSION },
        { handover_userid: "gone1", external_userid: "wmC", dimission_time: DIMISSION },
      ];
      const { cursors } = nockUnassigned(rows, 3);
      assert.deepEqual(await unassignedSync({ wecom, now: AT }), { listed: 4, groups: 1, removed: 0, guides: 2 });
      assert.deepEqual(cursors, ["", "p3"]);
      const stored = await UnassignedCustomer.find().sort({ _id: 1 }).lean();
      assert.deepEqual(stored.map((row) => [row._id, row.customerName, row.storeId]), [
        ["gone1:wmA", "客户wmA", "101"],
        ["gone1:wmB", "客户wmB", "101"],
        ["gone1:wmC", "客户wmC", "101"],
        ["gone2:wmZ", "", "102"],
      ]);
      const departed = await DepartedGuide.find().sort({ _id: 1 }).lean();
      assert.deepEqual(departed.map((guide) => [guide._id, guide.storeId, guide.customers, guide.groups]), [["gone1", "101", 3, 1], ["gone2", "102", 1, 0]]);

      // The next day WeCom lists only wmA (the others were given away in WeCom's admin console).
      nock.cleanAll();
      nockToken();
      nockUnassigned([rows[0]!], 1000);
      assert.deepEqual(await unassignedSync({ wecom, now: LATER }), { listed: 1, groups: 1, removed: 3, guides: 1 });
      assert.deepEqual((await UnassignedCustomer.find().lean()).map((row) => row._id), ["gone1:wmA"]);
      assert.deepEqual((await DepartedGuide.find().lean()).map((guide) => [guide._id, guide.customers]), [["gone1", 1]]);
      // Twice the same day: the same rows.
      assert.deepEqual(await unassignedSync({ wecom, now: LATER }), { listed: 1, groups: 1, removed: 0, guides: 1 });
      assert.equal(await UnassignedCustomer.countDocuments(), 1);
    });

    it("should remove nothing when WeCom fails halfway through the list", async () => {
      await departedCustomers(3);
      nock.cleanAll();
      nockToken();
      wecomApi().post("/cgi-bin/externalcontact/get_unassigned_list").query(true).reply(200, { errcode: 0, errmsg: "ok", info: [{ handover_userid: "gone1", external_userid: "wm000", dimission_time: DIMISSION }], is_last: false, next_cursor: "p1" });
      wecomApi().post("/cgi-bin/externalcontact/get_unassigned_list").query(true).times(4).reply(200, { errcode: 40058, errmsg: "invalid parameter" });
      await assert.rejects(unassignedSync({ wecom, now: LATER }));
      assert.equal(await UnassignedCustomer.countDocuments(), 3);
    });
  });

  describe("starting", () => {
    it("should give customers round-robin to the store's active guides with customer contact, 100 a call per pair", async () => {
      const customers = await departedCustomers(250);
      const calls = nockTransferCalls(RESIGNED);
      const result = await customerTransferStarter({ wecom, actor: admin, kind: "resigned", items: customers.map((id) => ({ externalUserId: id, handoverUserId: "gone1", takeoverUserId: null })), now: AT });
      assert.equal(result.ids.length, 250);
      assert.deepEqual([result.accepted, result.refused], [250, 0]);
      // 周杰 is disabled, 吴新 has no customer contact: 王小美 and 李娜 take turns (sorted by name: 李娜 first).
      const byGuide = new Map<string, number>();
      for (const row of await CustomerTransfer.find().lean()) {
        byGuide.set(row.takeoverUserId, (byGuide.get(row.takeoverUserId) ?? 0) + 1);
        assert.equal(row.state, "waiting");
        assert.equal(row.storeId, JINGAN);
      }
      assert.deepEqual(Object.fromEntries(byGuide), { ga2: 125, ga1: 125 });
      assert.deepEqual(calls.map((call) => [call.takeover_userid, call.external_userid.length]).sort(), [["ga1", 100], ["ga1", 25], ["ga2", 100], ["ga2", 25]]);
      assert.ok(calls.every((call) => call.handover_userid === "gone1"));
      const jobs = await agendaJobs().find({ name: "SyncCustomerTransferJob" }).toArray();
      assert.deepEqual(jobs.map((job) => (job.data as { takeoverUserId: string }).takeoverUserId).sort(), ["ga1", "ga2"], "one sync job per pair");
    });

    it("should refuse at the field, changing nothing: a disabled guide, one without customer contact, the departed guide, another manager's customers, a customer not waiting", async () => {
      const [first] = await departedCustomers(2);
      const calls = nockTransferCalls(RESIGNED);
      const attempt = async (actor: Actor, item: { externalUserId: string; handoverUserId: string; takeoverUserId: string | null }) => {
        const error = await customerTransferStarter({ wecom, actor, kind: "resigned", items: [item], now: AT }).then(
          () => null,
          (failure: Error) => failure.message,
        );
        return error;
      };
      assert.equal(await attempt(admin, { externalUserId: first!, handoverUserId: "gone1", takeoverUserId: "ga3" }), "items.0.takeoverUserId: 导购「周杰」不在职，不能接替");
      assert.equal(await attempt(admin, { externalUserId: first!, handoverUserId: "gone1", takeoverUserId: "ga4" }), "items.0.takeoverUserId: 导购「吴新」没有客户联系权限，不能接替");
      assert.equal(await attempt(admin, { externalUserId: first!, handoverUserId: "gone1", takeoverUserId: "gone1" }), "items.0.takeoverUserId: 接替导购不能是原导购");
      assert.equal(await attempt(admin, { externalUserId: first!, handoverUserId: "gone1", takeoverUserId: "nobody" }), "items.0.takeoverUserId: 接替导购不存在");
      assert.equal(await attempt(xuhuiManager, { externalUserId: first!, handoverUserId: "gone1", takeoverUserId: "gb1" }), "items.0.externalUserId: 客户「客户wm000」不属于您管理的门店");
      assert.equal(await attempt(admin, { externalUserId: "wmStranger", handoverUserId: "gone1", takeoverUserId: "ga1" }), "items.0.externalUserId: 客户「wmStranger」不在待分配列表中（刚被拒绝的客户请先点「同步待分配」）");
      assert.equal(await CustomerTransfer.countDocuments(), 0);
      assert.equal(calls.length, 0);
    });

    it("should record WeCom's refusals per customer with their reasons, and keep the rest going", async () => {
      const customers = await departedCustomers(4);
      const codes: Record<string, number> = { wm001: 40099, wm002: 84061, wm003: 40097 };
      nockTransferCalls(RESIGNED, (id) => codes[id] ?? 0);
      const result = await customerTransferStarter({ wecom, actor: admin, kind: "resigned", items: customers.map((id) => ({ externalUserId: id, handoverUserId: "gone1", takeoverUserId: "ga1" })), now: AT });
      assert.deepEqual([result.accepted, result.refused], [1, 3]);
      const rows = await CustomerTransfer.find().sort({ targetId: 1 }).lean();
      assert.deepEqual(rows.map((row) => [row.targetId, row.state, row.errcode, row.reason]), [
        ["wm000", "waiting", 0, ""],
        ["wm001", "takeover_full", 40099, "接替导购的客户数已达上限"],
        ["wm002", "failed", 84061, "原导购与该客户已不是好友"],
        ["wm003", "failed", 40097, "原导购尚未离职"],
      ]);
    });

    it("should leave customers requested when WeCom is unreachable, and the pair's sync sends them; a resend that meets 40129 counts as accepted", async () => {
      const customers = await departedCustomers(2);
      wecomApi().post(RESIGNED).query(true).times(3).reply(502, "bad gateway");
      const result = await customerTransferStarter({ wecom, actor: admin, kind: "resigned", items: customers.map((id) => ({ externalUserId: id, handoverUserId: "gone1", takeoverUserId: "ga1" })), now: AT });
      assert.deepEqual([result.accepted, result.refused], [0, 0]);
      assert.deepEqual(await states(), { wm000: "requested:ga1", wm001: "requested:ga1" });
      // WeCom had in fact taken the first call: now it says "already transferring".
      nockTransferCalls(RESIGNED, () => 40129);
      nockTransferResults(RESIGNED_RESULT, customers, () => 2);
      const pass = await customerTransferSync({ wecom, pair: { kind: "resigned", handoverUserId: "gone1", takeoverUserId: "ga1" }, now: LATER });
      assert.deepEqual(pass, { sent: 2, finished: 0, moved: 0, pending: 2 });
      assert.deepEqual(await states(), { wm000: "waiting:ga1", wm001: "waiting:ga1" });
    });
  });

  describe("following transfer_result", () => {
    it("should move the follow, the member's guides and the open tasks when done, keep the waiting ones polled, and show refusals with their reasons", async () => {
      const customers = await departedCustomers(4);
      const member = await Member.create({ memberNo: "M00000001", name: "王姐", levelCode: "silver", joinedAt: AT, externalUserIds: ["wm000"], guideUserIds: ["gone1"] });
      await MemberIdentity.create({ _id: "customer:wm000", kind: "customer", memberId: member._id, via: "wecom", at: AT });
      const task = { kind: "birthday" as const, storeId: JINGAN, title: "生日 6月3日", dueAt: AT, dueDay: "2026-06-01", createdAt: AT };
      await Task.create([
        { _id: `birthday:${member._id}:2026`, ...task, userId: "gone1", externalUserId: "wm000", memberId: String(member._id) },
        { _id: "greeting:wm000:gone1", ...task, kind: "greeting" as const, userId: "gone1", externalUserId: "wm000", state: "done" as const },
        { _id: "greeting:wm001:gone1", ...task, kind: "greeting" as const, userId: "gone1", externalUserId: "wm001" },
      ]);
      // As the task engine makes them: noted open on their customers, counted due on gone1's day.
      const made = await Task.find().lean<TaskAttrs[]>();
      await indexOpenTasks(made.filter((row) => row.state === "open"));
      await countTasksDue(made);
      nockTransferCalls(RESIGNED);
      await customerTransferStarter({ wecom, actor: admin, kind: "resigned", items: customers.map((id) => ({ externalUserId: id, handoverUserId: "gone1", takeoverUserId: "ga1" })), now: AT });
      const statuses: Record<string, number> = { wm000: 1, wm001: 2, wm002: 3, wm003: 4 };
      const cursors = nockTransferResults(RESIGNED_RESULT, customers, (id) => statuses[id]);
      let clock = LATER;
      const job = new SyncCustomerTransferJob({ wecom, now: () => clock });
      const pair = { kind: "resigned" as const, handoverUserId: "gone1", takeoverUserId: "ga1" };
      assert.deepEqual(await job.perform(pair), { sent: 0, finished: 3, moved: 1, pending: 1 });
      assert.deepEqual(cursors, ["", "second"], "both pages of transfer_result");
      const rows = await CustomerTransfer.find().sort({ targetId: 1 }).lean();
      assert.deepEqual(rows.map((row) => [row.targetId, row.state, row.reason]), [
        ["wm000", "done", ""],
        ["wm001", "waiting", ""],
        ["wm002", "customer_refused", "客户拒绝了转接"],
        ["wm003", "takeover_full", "接替导购的客户数已达上限"],
      ]);
      const follows = await Follow.find({ externalUserId: "wm000" }).sort({ userId: 1 }).lean();
      assert.deepEqual(follows.map((follow) => [follow.userId, follow.status]), [["ga1", "active"], ["gone1", "transferred"]]);
      assert.deepEqual((await Member.findById(member._id).lean())?.guideUserIds, ["ga1"]);
      const tasks = await Task.find().sort({ _id: 1 }).lean();
      assert.deepEqual(tasks.map((row) => [row._id, row.userId, row.state]), [
        [`birthday:${member._id}:2026`, "ga1", "open"],
        ["greeting:wm000:gone1", "gone1", "done"],
        ["greeting:wm001:gone1", "gone1", "open"],
      ], "the done customer's open task moved with its id; a done task and a waiting customer's task stay");
      const due = async (userId: string) => ((await CompletionDay.findById(`guide:${userId}:2026-06-01`).lean())?.figures as { tasksDue?: number } | undefined)?.tasksDue ?? 0;
      assert.deepEqual([await due("gone1"), await due("ga1")], [2, 1], "the moved task is due for its new guide, not the one who left");
      assert.equal(((await CompletionDay.findById("store:101:2026-06-01").lean())?.figures as { tasksDue: number }).tasksDue, 3, "the store's due is unchanged");
      assert.equal(await UnassignedCustomer.exists({ _id: "gone1:wm000" }), null);
      const marks = await UnassignedCustomer.find().sort({ _id: 1 }).lean();
      assert.deepEqual(marks.map((row) => [row.externalUserId, row.transferring]), [["wm001", true], ["wm002", false], ["wm003", false]], "the waiting one stays marked; the refused and full ones may be picked again");
      assert.equal((await DepartedGuide.findById("gone1").lean())?.customers, 3);
      const next = await agendaJobs().findOne({ name: "SyncCustomerTransferJob", "data.takeoverUserId": "ga1" });
      assert.equal((next?.nextRunAt as Date).toISOString(), new Date(LATER.getTime() + 3_600_000).toISOString(), "a waiting customer: polled again in an hour");

      // The next pass: the waiting one is done; nothing moves twice.
      statuses.wm001 = 1;
      clock = new Date(LATER.getTime() + 3_600_000);
      assert.deepEqual(await job.perform(pair), { sent: 0, finished: 1, moved: 1, pending: 0 });
      assert.deepEqual(await job.perform(pair), { sent: 0, finished: 0, moved: 0, pending: 0 });
      assert.deepEqual([await due("gone1"), await due("ga1")], [1, 2], "wm001's task followed her; nothing counted twice");
      assert.equal(await Follow.countDocuments({ userId: "ga1", status: "active" }), 2);
      assert.equal((await DepartedGuide.findById("gone1").lean())?.customers, 2);
    });

    it("should retry a refused or full customer with another guide, refuse to retry a done one, and never start a customer twice", async () => {
      const customers = await departedCustomers(2);
      nockTransferCalls(RESIGNED);
      const items = customers.map((id) => ({ externalUserId: id, handoverUserId: "gone1", takeoverUserId: "ga1" }));
      await customerTransferStarter({ wecom, actor: admin, kind: "resigned", items, now: AT });
      await assert.rejects(customerTransferStarter({ wecom, actor: admin, kind: "resigned", items, now: AT }), /客户「客户wm000」正在转接中/);
      nockTransferResults(RESIGNED_RESULT, customers, (id) => (id === "wm000" ? 4 : 1));
      await customerTransferSync({ wecom, pair: { kind: "resigned", handoverUserId: "gone1", takeoverUserId: "ga1" }, now: LATER });
      const full = await CustomerTransfer.findOne({ targetId: "wm000" }).lean();
      const done = await CustomerTransfer.findOne({ targetId: "wm001" }).lean();
      await assert.rejects(customerTransferRetrier({ wecom, actor: admin, id: done!._id, takeoverUserId: null, now: LATER }), /该转接没有失败，无需重试/);
      await assert.rejects(customerTransferRetrier({ wecom, actor: xuhuiManager, id: full!._id, takeoverUserId: null, now: LATER }), /transfer/);
      const retried = await customerTransferRetrier({ wecom, actor: admin, id: full!._id, takeoverUserId: "ga2", now: LATER });
      assert.equal(retried.accepted, 1);
      assert.deepEqual(await states(), { wm000: "waiting:ga2", wm001: "done:ga1" });
      const all = await CustomerTransfer.find({ targetId: "wm000" }).sort({ requestedAt: 1 }).lean();
      assert.deepEqual(all.map((row) => [row.takeoverUserId, row.state]), [["ga1", "takeover_full"], ["ga2", "waiting"]], "the history stays");
      await assert.rejects(customerTransferRetrier({ wecom, actor: admin, id: full!._id, takeoverUserId: "ga2", now: LATER }), /请重试最新的一条/);
      // wm001 is no longer waiting for anyone: a new start is refused.
      await assert.rejects(customerTransferStarter({ wecom, actor: admin, kind: "resigned", items: [items[1]!], now: LATER }), /不在待分配列表中/);
    });
  });

  describe("on the job (在职转接)", () => {
    it("should move a working guide's customers with the message, and refuse a customer moved twice in 90 days without asking WeCom", async () => {
      await customersOf("ga1", ["wmX", "wmY"]);
      const calls = nockTransferCalls(ONJOB, (id) => (id === "wmY" ? 40128 : 0));
      await CustomerTransfer.create(
        [AT.getTime() - 80 * 86_400_000, AT.getTime() - 10 * 86_400_000].map((time, index) => ({
          _id: `onjob:customer:ga2:ga1:wmX:${index + 1}`,
          kind: "onjob" as const,
          targetId: "wmX",
          handoverUserId: "ga2",
          takeoverUserId: "ga1",
          storeId: JINGAN,
          state: "done" as const,
          requestedAt: new Date(time),
          movedAt: new Date(time),
        })),
      );
      const result = await customerTransferStarter({
        wecom,
        actor: admin,
        kind: "onjob",
        items: ["wmX", "wmY"].map((id) => ({ externalUserId: id, handoverUserId: "ga1", takeoverUserId: "ga2" })),
        transferSuccessMsg: "您好，我是李娜，之后由我为您服务",
        now: AT,
      });
      assert.deepEqual([result.accepted, result.refused], [0, 2]);
      assert.deepEqual(calls, [{ handover_userid: "ga1", takeover_userid: "ga2", external_userid: ["wmY"], transfer_success_msg: "您好，我是李娜，之后由我为您服务" }], "wmX is over the limit: WeCom is not asked");
      const rows = await CustomerTransfer.find({ handoverUserId: "ga1" }).sort({ targetId: 1 }).lean();
      assert.deepEqual(rows.map((row) => [row.targetId, row.state, row.errcode, row.reason]), [
        ["wmX", "failed", 40128, "该客户 90 天内已转接两次"],
        ["wmY", "failed", 40128, "该客户 90 天内已转接两次"],
      ]);
      await assert.rejects(customerTransferRetrier({ wecom, actor: admin, id: rows[0]!._id, takeoverUserId: null, now: AT }), /该转接不能重试：该客户 90 天内已转接两次/);

      // A customer the guide does not follow cannot be moved on the job.
      await assert.rejects(customerTransferStarter({ wecom, actor: admin, kind: "onjob", items: [{ externalUserId: "wmNobody", handoverUserId: "ga1", takeoverUserId: "ga2" }], now: AT }), /不是原导购的客户/);
    });

    it("should follow an on-job transfer's result through transfer_result", async () => {
      await customersOf("ga1", ["wmX"]);
      nockTransferCalls(ONJOB);
      await customerTransferStarter({ wecom, actor: admin, kind: "onjob", items: [{ externalUserId: "wmX", handoverUserId: "ga1", takeoverUserId: "ga2" }], now: AT });
      const cursors = nockTransferResults(ONJOB_RESULT, ["wmX"], () => 1);
      await customerTransferSync({ wecom, pair: { kind: "onjob", handoverUserId: "ga1", takeoverUserId: "ga2" }, now: LATER });
      assert.deepEqual(cursors, [""]);
      assert.deepEqual((await Follow.find({ externalUserId: "wmX" }).sort({ userId: 1 }).lean()).map((follow) => [follow.userId, follow.status]), [["ga1", "transferred"], ["ga2", "active"]]);
    });
  });

  describe("customer groups", () => {
    it("should move a departed guide's groups, record WeCom's refusals per group, and refuse groups not theirs or another manager's", async () => {
      await departedCustomers(1);
      await aGroup("chat1", "gone1", [], "静安一群");
      await aGroup("chat2", "gone1", [], "静安二群");
      await aGroup("chat3", "ga2", [], "李娜的群");
      await unassignedSync({ wecom, now: LATER });
      assert.equal((await DepartedGuide.findById("gone1").lean())?.groups, 2);
      const bodies: unknown[] = [];
      wecomApi()
        .post("/cgi-bin/externalcontact/groupchat/transfer", (body) => {
          bodies.push(body);
          return true;
        })
        .query(true)
        .reply(200, { errcode: 0, errmsg: "ok", failed_chat_list: [{ chat_id: "chat2", errcode: 40099, errmsg: "limit" }] });
      await assert.rejects(customerTransferGroups({ wecom, actor: admin, kind: "resigned", handoverUserId: "gone1", takeoverUserId: "ga1", chatIds: ["chat1", "chat3"], now: LATER }), /chatIds.1: 该群不是原导购的群/);
      await assert.rejects(customerTransferGroups({ wecom, actor: xuhuiManager, kind: "resigned", handoverUserId: "gone1", takeoverUserId: "gb1", chatIds: ["chat1"], now: LATER }), /该导购不属于您管理的门店/);
      await assert.rejects(customerTransferGroups({ wecom, actor: admin, kind: "resigned", handoverUserId: "gone1", takeoverUserId: "ga4", chatIds: ["chat1"], now: LATER }), /没有客户联系权限/);
      assert.equal(bodies.length, 0);
      assert.deepEqual(await customerTransferGroups({ wecom, actor: admin, kind: "resigned", handoverUserId: "gone1", takeoverUserId: "ga1", chatIds: ["chat1", "chat2"], now: LATER }), { done: 1, refused: 1 });
      assert.deepEqual(bodies, [{ chat_id_list: ["chat1", "chat2"], new_owner: "ga1" }]);
      assert.deepEqual((await Group.find({ chatId: { $in: ["chat1", "chat2"] } }).sort({ chatId: 1 }).lean()).map((group) => group.ownerId), ["ga1", "gone1"]);
      const rows = await CustomerTransfer.find({ subject: "group" }).sort({ targetId: 1 }).lean();
      assert.deepEqual(rows.map((row) => [row.targetId, row.state, row.reason]), [["chat1", "done", ""], ["chat2", "failed", "接替导购的客户数已达上限"]]);
      assert.equal((await DepartedGuide.findById("gone1").lean())?.groups, 1);
    });
  });
});
