import assert from "node:assert/strict";
import massMessageCanceller from "../../server/commands/massMessageCanceller.ts";
import massMessageDispatcher from "../../server/commands/massMessageDispatcher.ts";
import massMessagePlanner from "../../server/commands/massMessagePlanner.ts";
import massMessageReminder from "../../server/commands/massMessageReminder.ts";
import massMessageSync from "../../server/commands/massMessageSync.ts";
import { CampaignGuide } from "../../server/models/CampaignGuide.ts";
import { MassMessage } from "../../server/models/MassMessage.ts";
import { MassMessageOutcome } from "../../server/models/MassMessageOutcome.ts";
import { MassMessageTask, massTaskId } from "../../server/models/MassMessageTask.ts";
import { resetDatabase } from "../support/hooks.ts";
import { testWeComClient } from "../support/server.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";
import { aScheduledMass, someMembers } from "./support.ts";

const NOW = new Date("2026-12-05T02:00:00Z");
const API = "/cgi-bin/externalcontact";

describe("mass messages: sync, reminders and cancel", () => {
  let id = "";
  beforeEach(async () => {
    await resetDatabase();
    nockToken();
    await someMembers([{ externalUserIds: ["wm-a1"], guideUserIds: ["guide-a"] }, { externalUserIds: ["wm-a2"], guideUserIds: ["guide-a"] }, { externalUserIds: ["wm-a3"], guideUserIds: ["guide-a"] }, { externalUserIds: ["wm-b1"], guideUserIds: ["guide-b"] }]);
    id = await aScheduledMass();
    await massMessagePlanner({ massMessageId: id, now: NOW });
    wecomApi().post(`${API}/add_msg_template`).query(true).times(2).reply(200, (_uri, body) => ({ errcode: 0, errmsg: "ok", msgid: `msg-${String((body as Record<string, unknown>)["sender"])}` }));
    await massMessageDispatcher({ wecom: testWeComClient(), massMessageId: id, now: () => NOW });
  });

  const nockResults = () => {
    wecomApi().post(`${API}/get_groupmsg_task`).query(true).times(2).reply(200, (_uri, body) => {
      const msgid = (body as Record<string, unknown>)["msgid"];
      return { errcode: 0, errmsg: "ok", next_cursor: "", task_list: [msgid === "msg-guide-a" ? { userid: "guide-a", status: 2, send_time: 1 } : { userid: "guide-b", status: 0 }] };
    });
    wecomApi().post(`${API}/get_groupmsg_send_result`).query(true).times(3).reply(200, (_uri, body) => {
      const request = body as Record<string, unknown>;
      if (request["userid"] === "guide-b") {
        return { errcode: 0, errmsg: "ok", next_cursor: "", send_list: [{ external_userid: "wm-b1", userid: "guide-b", status: 0 }] };
      }
      // Two pages, to follow the cursor.
      return request["cursor"] === "p2"
        ? { errcode: 0, errmsg: "ok", next_cursor: "", send_list: [{ external_userid: "wm-a3", userid: "guide-a", status: 3 }] }
        : { errcode: 0, errmsg: "ok", next_cursor: "p2", send_list: [{ external_userid: "wm-a1", userid: "guide-a", status: 1, send_time: 1_764_900_000 }, { external_userid: "wm-a2", userid: "guide-a", status: 2 }] };
    });
  };

  it("should sync each customer's outcome, the guide who sent and the totals, the same on a repeat", async () => {
    for (let round = 0; round < 2; round++) {
      nockResults();
      await massMessageSync({ wecom: testWeComClient(), massMessageId: id, now: NOW });
    }
    const stored = await MassMessage.findById(id).lean();
    assert.deepEqual(stored?.totals, { delivered: 1, notFriend: 1, capped: 1, unsent: 1, guidesSent: 1 });
    assert.equal((await MassMessageOutcome.findById(`${massTaskId(id, "guide-a", 0)}:wm-a2`).lean())?.status, "not_friend");
    assert.equal(await MassMessageOutcome.countDocuments({ massMessageId: id }), 4);
    const guideA = await CampaignGuide.findById(`mass:${id}:guide-a`).lean();
    assert.equal(guideA?.state, "done");
    assert.deepEqual(guideA?.figures, { delivered: 1, notFriend: 1, capped: 1 });
    assert.equal((await CampaignGuide.findById(`mass:${id}:guide-b`).lean())?.state, "assigned");
    // The next look is on the tapering grid, 10 minutes after dispatch.
    const job = await MassMessage.db.collection("agenda_jobs").findOne({ name: "SyncMassMessageJob", "data.massMessageId": id });
    assert.equal((job?.["nextRunAt"] as Date).toISOString(), "2026-12-05T02:10:00.000Z");
  });

  it("should remind those who have not sent, at most 3 times in 24 hours, then refuse changing nothing", async () => {
    nockResults();
    await massMessageSync({ wecom: testWeComClient(), massMessageId: id, now: NOW });
    const reminded: unknown[] = [];
    wecomApi().post(`${API}/remind_groupmsg_send`).query(true).times(3).reply(200, (_uri, body) => {
      reminded.push((body as Record<string, unknown>)["msgid"]);
      return { errcode: 0, errmsg: "ok" };
    });
    const lefts = [];
    for (let n = 0; n < 3; n++) {
      lefts.push((await massMessageReminder({ wecom: testWeComClient(), massMessageId: id, now: new Date(NOW.getTime() + n * 60_000) })).left);
    }
    assert.deepEqual(lefts, [2, 1, 0]);
    assert.deepEqual(reminded, ["msg-guide-b", "msg-guide-b", "msg-guide-b"]);
    await assert.rejects(massMessageReminder({ wecom: testWeComClient(), massMessageId: id, now: new Date(NOW.getTime() + 3600_000) }), /24 小时内最多提醒 3 次/);
    assert.equal((await MassMessage.findById(id).lean())?.remindedAt.length, 3);
    assert.equal((await CampaignGuide.findById(`mass:${id}:guide-b`).lean())?.remindCount, 3);
    // A day after the first, one is free again.
    wecomApi().post(`${API}/remind_groupmsg_send`).query(true).reply(200, { errcode: 0, errmsg: "ok" });
    const later = await massMessageReminder({ wecom: testWeComClient(), massMessageId: id, now: new Date(NOW.getTime() + 24 * 3600_000 + 1000) });
    assert.equal(later.left, 0);
  });

  it("should cancel: created tasks stopped in WeCom, open guides cancelled", async () => {
    const cancelled: unknown[] = [];
    wecomApi().post(`${API}/cancel_groupmsg_send`).query(true).times(2).reply(200, (_uri, body) => {
      cancelled.push((body as Record<string, unknown>)["msgid"]);
      return { errcode: 0, errmsg: "ok" };
    });
    const result = await massMessageCanceller({ wecom: testWeComClient(), massMessageId: id, now: NOW });
    assert.equal(result.stopped, 2);
    assert.deepEqual(cancelled.sort(), ["msg-guide-a", "msg-guide-b"]);
    assert.equal((await MassMessage.findById(id).lean())?.status, "cancelled");
    assert.equal((await CampaignGuide.findById(`mass:${id}:guide-a`).lean())?.state, "cancelled");
    assert.equal((await MassMessageTask.findById(massTaskId(id, "guide-a", 0)).lean())?.state, "created");
  });
});
