import assert from "node:assert/strict";
import type { Db } from "mongodb";
import mongoose from "mongoose";
import channelCodeAddHandler from "../../server/commands/channelCodeAddHandler.ts";
import { startScheduler } from "../../server/jobs/scheduler.ts";
import { SwitchChannelCodeJob } from "../../server/jobs/SwitchChannelCodeJob.ts";
import { ChannelCode } from "../../server/models/ChannelCode.ts";
import { ChannelCodeDay } from "../../server/models/ChannelCodeDay.ts";
import { waitFor } from "../../server/utils/async.ts";
import { consoleSend, testWeComClient, useTestServer } from "../support/server.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";

const agendaJobs = () => mongoose.connection.db!.collection("agenda_jobs");
// Monday 2026-12-07 in China (UTC+8).
const china = (hhmm: string, date = "2026-12-07") => new Date(`${date}T${hhmm}:00+08:00`);

function nockUpdates(): { bodies: unknown[] } {
  const seen = { bodies: [] as unknown[] };
  wecomApi()
    .post("/cgi-bin/externalcontact/update_contact_way", (body) => {
      seen.bodies.push(body);
      return true;
    })
    .query(true)
    .reply(200, { errcode: 0, errmsg: "ok" })
    .persist();
  return seen;
}

describe("SwitchChannelCodeJob and daily caps", () => {
  const context = useTestServer();
  beforeEach(async () => {
    nockToken();
    await agendaJobs().deleteMany({});
  });

  const createCode = async (body: Record<string, unknown>) => {
    wecomApi().post("/cgi-bin/externalcontact/add_contact_way").query(true).reply(200, { errcode: 0, errmsg: "ok", config_id: "cfg-s", qr_code: "https://wework.qpic.cn/qr.png" });
    const created = await consoleSend(context.server, "POST", "/api/console/channel-codes", { name: "排班码", type: "multi", state: "shift_code", ...body });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return (created.body.data as { id: string }).id;
  };
  const job = (at: () => Date) => new SwitchChannelCodeJob({ wecom: testWeComClient(), now: at });

  it("should switch guides at slot boundaries and call WeCom only when the set changes", async () => {
    const id = await createCode({
      guides: [
        { userId: "guideA", slots: [{ day: 1, start: "09:00", end: "12:00" }] },
        { userId: "guideB", slots: [{ day: 1, start: "12:00", end: "18:00" }] },
      ],
      backupGuides: ["guideC"],
      skipVerify: { mode: "window", start: "10:00", end: "20:00" },
    });
    await ChannelCode.updateOne({ _id: id }, { $set: { applied: { userIds: ["guideC"], skipVerify: false, remark: "排班码" } } });
    const updates = nockUpdates();
    let clock = china("09:00");
    assert.deepEqual(await job(() => clock).perform({ codeId: id }), { codeId: id, changed: true });
    assert.deepEqual(updates.bodies, [{ config_id: "cfg-s", user: ["guideA"], skip_verify: false }]);
    const next = await agendaJobs().findOne({ name: "SwitchChannelCodeJob", "data.codeId": id });
    assert.equal((next?.nextRunAt as Date).toISOString(), china("10:00").toISOString(), "the next boundary: the verification window opens");
    assert.equal(await agendaJobs().countDocuments({ "data.codeId": id }), 1, "one job per code");

    clock = china("09:30");
    assert.deepEqual(await job(() => clock).perform({ codeId: id }), { codeId: id, changed: false });
    clock = china("10:00");
    await job(() => clock).perform({ codeId: id });
    clock = china("12:00");
    await job(() => clock).perform({ codeId: id });
    clock = china("18:00");
    await job(() => clock).perform({ codeId: id });
    assert.deepEqual(updates.bodies.slice(1), [
      { config_id: "cfg-s", user: ["guideA"], skip_verify: true },
      { config_id: "cfg-s", user: ["guideB"], skip_verify: true },
      { config_id: "cfg-s", user: ["guideC"], skip_verify: true },
    ]);
    assert.equal((await ChannelCode.findById(id).lean())?.nextSwitchAt?.toISOString(), china("20:00").toISOString());
  });

  it("should run the code's job through Agenda when it falls due, on the injected clock", async () => {
    const id = await createCode({ guides: [{ userId: "guideA", slots: [{ day: 1, start: "09:00", end: "12:00" }] }], backupGuides: ["guideC"] });
    await ChannelCode.updateOne({ _id: id }, { $set: { applied: { userIds: ["guideC"], skipVerify: true, remark: "排班码" } } });
    const updates = nockUpdates();
    await agendaJobs().updateOne({ name: "SwitchChannelCodeJob", "data.codeId": id }, { $set: { nextRunAt: new Date(Date.now() - 1000) } });
    const scheduler = await startScheduler(mongoose.connection.db as Db, { wecom: testWeComClient(), now: () => china("09:05") }, { processEvery: 100 });
    try {
      await waitFor(() => updates.bodies.length === 1, { timeoutMs: 10_000 });
      // The run sets the job for the next boundary; Agenda's own write-back at the end of a run must not undo it.
      await waitFor(async () => Boolean((await agendaJobs().findOne({ name: "SwitchChannelCodeJob", "data.codeId": id }))?.lastFinishedAt), { timeoutMs: 10_000 });
    } finally {
      await scheduler.stop();
    }
    assert.deepEqual(updates.bodies, [{ config_id: "cfg-s", user: ["guideA"], skip_verify: true }]);
    const next = await agendaJobs().findOne({ name: "SwitchChannelCodeJob", "data.codeId": id });
    assert.equal((next?.nextRunAt as Date | null)?.toISOString(), china("12:00").toISOString(), "still due at the next boundary after the run");
  });

  it("should count each add once, take a guide at the cap off the code with one update, and let backups step in", async () => {
    const id = await createCode({ guides: [{ userId: "guideA" }, { userId: "guideB" }], backupGuides: ["guideC"], dailyCap: 2 });
    const updates = nockUpdates();
    const add = (userId: string, customer: string, key = `k-${userId}-${customer}`) =>
      channelCodeAddHandler({
        wecom: testWeComClient(),
        event: { ChangeType: "add_external_contact", UserID: userId, ExternalUserID: customer, State: "shift_code" },
        customerName: null,
        dedupeKey: key,
        createTime: Math.floor(Date.now() / 1000),
        now: () => new Date(),
      });
    await add("guideA", "wm1");
    // The same event handled again (a retried callback, a process that died after counting).
    await add("guideA", "wm1");
    await Promise.all([add("guideA", "wm1"), add("guideA", "wm1")]);
    assert.equal(updates.bodies.length, 0);
    await add("guideA", "wm2");
    assert.deepEqual(updates.bodies, [{ config_id: "cfg-s", user: ["guideB"], skip_verify: true }]);
    // Five concurrent adds for B: B reaches the cap, the backup steps in, with one update.
    await Promise.all(["wm3", "wm4", "wm5", "wm6", "wm7"].map((customer) => add("guideB", customer)));
    assert.deepEqual(updates.bodies.slice(1), [{ config_id: "cfg-s", user: ["guideC"], skip_verify: true }]);
    const counters = await ChannelCodeDay.find({ codeId: id }).sort({ userId: 1 }).lean();
    assert.deepEqual(counters.map((counter) => [counter.userId, counter.adds]), [["guideA", 2], ["guideB", 5]]);
  });
});
