// 离职继承 for a guide who left only customer groups: the unassigned sync also reads WeCom's
// groupchat/list 离职待继承 (status 1) and keeps the groups per departed owner.
import assert from "node:assert/strict";
import nock from "nock";
import customerTransferGroups from "../../server/commands/customerTransferGroups.ts";
import unassignedSync from "../../server/commands/unassignedSync.ts";
import { DepartedGuide } from "../../server/models/DepartedGuide.ts";
import { Group } from "../../server/models/Group.ts";
import type { Actor } from "../../server/security/authorization.ts";
import { aGroup } from "../support/factories.ts";
import { resetDatabase } from "../support/hooks.ts";
import { testWeComClient } from "../support/server.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";
import { nockContactUsers, nockUnassigned, seedDirectory, type GroupListCall } from "./world.ts";

const AT = new Date("2026-06-01T02:00:00Z");
const LATER = new Date("2026-06-02T02:00:00Z");
const LATEST = new Date("2026-06-03T02:00:00Z");
const wecom = testWeComClient();
const xuhuiManager: Actor = { kind: "session", role: "manager", userId: "mgr102", scopeStoreIds: ["102"] };

const departed = async () => (await DepartedGuide.find().sort({ _id: 1 }).lean()).map((guide) => [guide._id, guide.storeId, guide.customers, guide.groups, guide.groupChatIds]);

/** groupchat/get for a group we have never seen, once. */
function nockGroupGet(chatId: string, owner: string, name: string): void {
  wecomApi()
    .post("/cgi-bin/externalcontact/groupchat/get", (body: { chat_id?: string }) => body.chat_id === chatId)
    .query(true)
    .reply(200, { errcode: 0, errmsg: "ok", group_chat: { chat_id: chatId, name, owner, create_time: 1_700_000_000, member_list: [], admin_list: [], member_version: "v1" } });
}

/** WeCom's lists again (a new day): nothing unassigned, these groups pending. */
function nextDay(pending: string[]): GroupListCall[] {
  nock.cleanAll();
  nockToken();
  nockContactUsers();
  return nockUnassigned([], 1000, pending).groupCalls;
}

describe("departed guides who left only customer groups", () => {
  beforeEach(async () => {
    await resetDatabase();
    await seedDirectory();
    nockToken();
    nockContactUsers();
    // 张走了 (徐汇店) left no customers, one group we keep and one we have never seen.
    await aGroup("chat-x1", "gone2", ["wmP"], "徐汇一群");
  });

  it("should list the owner with both groups after a sync, read page by page with status_filter 1, the same on a rerun, and drop a group no longer pending", async () => {
    const { groupCalls } = nockUnassigned([], 1, ["chat-x1", "chat-x2"]);
    nockGroupGet("chat-x2", "gone2", "徐汇二群");
    assert.deepEqual(await unassignedSync({ wecom, now: AT }), { listed: 0, groups: 2, removed: 0, guides: 1 });
    assert.deepEqual(groupCalls.map((call) => [call.status_filter, call.cursor, call.owner_filter]), [[1, "", undefined], [1, "p1", undefined]]);
    assert.deepEqual(await departed(), [["gone2", "102", 0, 2, ["chat-x1", "chat-x2"]]]);
    // The group never seen is kept now, so the group transfer can find it.
    assert.deepEqual((await Group.findOne({ chatId: "chat-x2" }).lean())?.ownerId, "gone2");

    // The same lists again (groupchat/get is not asked twice: its nock answered once).
    assert.deepEqual(await unassignedSync({ wecom, now: AT }), { listed: 0, groups: 2, removed: 0, guides: 1 });
    nextDay(["chat-x1", "chat-x2"]);
    assert.deepEqual(await unassignedSync({ wecom, now: LATER }), { listed: 0, groups: 2, removed: 0, guides: 1 });
    assert.deepEqual(await departed(), [["gone2", "102", 0, 2, ["chat-x1", "chat-x2"]]]);

    // chat-x1 was given away in WeCom's admin console meanwhile; then chat-x2 too.
    nextDay(["chat-x2"]);
    await unassignedSync({ wecom, now: LATEST });
    assert.deepEqual(await departed(), [["gone2", "102", 0, 1, ["chat-x2"]]]);
    nextDay([]);
    assert.deepEqual(await unassignedSync({ wecom, now: new Date(LATEST.getTime() + 60_000) }), { listed: 0, groups: 0, removed: 0, guides: 0 });
    assert.deepEqual(await departed(), []);
  });

  it("should count a guide's groups beside their customers and take a moved group off at once", async () => {
    await aGroup("chat-j", "gone1", [], "静安老客群");
    await aGroup("chat-a", "ga1", [], "王小美的群");
    nockUnassigned([{ handover_userid: "gone1", external_userid: "wmA", dimission_time: 1_780_000_000 }], 1000, ["chat-j", "chat-x1"]);
    await unassignedSync({ wecom, now: AT });
    assert.deepEqual(await departed(), [
      ["gone1", "101", 1, 1, ["chat-j"]],
      ["gone2", "102", 0, 1, ["chat-x1"]],
    ]);
    wecomApi().post("/cgi-bin/externalcontact/groupchat/transfer").query(true).reply(200, { errcode: 0, errmsg: "ok", failed_chat_list: [] });
    assert.deepEqual(await customerTransferGroups({ wecom, actor: xuhuiManager, kind: "resigned", handoverUserId: "gone2", takeoverUserId: "gb1", chatIds: ["chat-x1"], now: AT }), { done: 1, refused: 0 });
    assert.deepEqual(await departed(), [
      ["gone1", "101", 1, 1, ["chat-j"]],
      ["gone2", "102", 0, 0, []],
    ]);
  });

  it("should ask per departed owner when WeCom wants owner_filter (81017), and leave out a group WeCom will not describe", async () => {
    const calls: GroupListCall[] = [];
    wecomApi()
      .post("/cgi-bin/externalcontact/get_unassigned_list")
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok", info: [], is_last: true, next_cursor: "" })
      .persist();
    wecomApi()
      .post("/cgi-bin/externalcontact/groupchat/list")
      .query(true)
      .reply(200, (_uri, body) => {
        const call = body as GroupListCall;
        calls.push(call);
        return call.owner_filter ? { errcode: 0, errmsg: "ok", group_chat_list: [{ chat_id: "chat-x1", status: 1 }, { chat_id: "chat-gone", status: 1 }], next_cursor: "" } : { errcode: 81017, errmsg: "owner_filter required" };
      })
      .persist();
    wecomApi().post("/cgi-bin/externalcontact/groupchat/get").query(true).reply(200, { errcode: 40050, errmsg: "invalid chat_id" });
    assert.deepEqual(await unassignedSync({ wecom, now: AT }), { listed: 0, groups: 1, removed: 0, guides: 1 });
    // Everyone the directory says has left (林离职 and 张走了 quit), in one filter of at most 100.
    assert.deepEqual(calls.map((call) => call.owner_filter?.userid_list ?? null), [null, ["gone1", "gone2"]]);
    assert.deepEqual(await departed(), [["gone2", "102", 0, 1, ["chat-x1"]]]);
  });

  it("should remove nothing when groupchat/list fails", async () => {
    nockUnassigned([], 1000, ["chat-x1"]);
    await unassignedSync({ wecom, now: AT });
    nock.cleanAll();
    nockToken();
    wecomApi().post("/cgi-bin/externalcontact/get_unassigned_list").query(true).reply(200, { errcode: 0, errmsg: "ok", info: [], is_last: true, next_cursor: "" });
    wecomApi().post("/cgi-bin/externalcontact/groupchat/list").query(true).reply(200, { errcode: 40058, errmsg: "invalid parameter" });
    await assert.rejects(unassignedSync({ wecom, now: LATER }), /40058/);
    assert.deepEqual(await departed(), [["gone2", "102", 0, 1, ["chat-x1"]]]);
  });
});
