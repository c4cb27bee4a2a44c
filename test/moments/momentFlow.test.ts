import assert from "node:assert/strict";
import type { Db } from "mongodb";
import mongoose from "mongoose";
import momentPublisher from "../../server/commands/momentPublisher.ts";
import { PublishMomentJob } from "../../server/jobs/PublishMomentJob.ts";
import { startScheduler } from "../../server/jobs/scheduler.ts";
import { SyncMomentJob } from "../../server/jobs/SyncMomentJob.ts";
import { CampaignGuide } from "../../server/models/CampaignGuide.ts";
import { Moment } from "../../server/models/Moment.ts";
import { waitFor } from "../../server/utils/async.ts";
import { consoleGet, consoleSend, testWeComClient, useTestServer } from "../support/server.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";
import { momentBody, seedMomentWorld } from "./support.ts";

const agendaJobs = () => mongoose.connection.db!.collection("agenda_jobs");
const jobOf = async (name: string, momentId: string) => agendaJobs().findOne({ name, "data.momentId": momentId });
const START = new Date("2026-12-07T01:00:00Z");
const MINUTE = 60_000;

describe("moments: schedule → task → result → sync → cancel", () => {
  let clock = START;
  const context = useTestServer({ now: () => clock });
  let imageId = "";
  beforeEach(async () => {
    clock = START;
    nockToken();
    await agendaJobs().deleteMany({});
    ({ imageId } = await seedMomentWorld());
  });

  const create = async (overrides: Record<string, unknown> = {}) => {
    const created = await consoleSend(context.server, "POST", "/api/console/moments", momentBody({ attachment: { type: "images", fileIds: [imageId] }, scheduledAt: new Date(START.getTime() + 60 * MINUTE).toISOString(), ...overrides }));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return created.body.data as { id: string; status: string; publishers: { departments: { name: string }[]; guides: { name: string }[] }; visibleTags: { name: string }[] };
  };

  it("should add the task at its time through Agenda, record an invalid sender, sync who published with likes and comments, taper, and cancel", async () => {
    const moment = await create();
    assert.equal(moment.status, "scheduled");
    assert.deepEqual(moment.publishers.departments.map((department) => department.name), ["南京西路店"]);
    assert.deepEqual(moment.publishers.guides.map((guide) => guide.name), ["小张"]);
    assert.deepEqual(moment.visibleTags.map((tag) => tag.name), ["金卡"]);
    const due = new Date(START.getTime() + 60 * MINUTE);
    assert.equal(((await jobOf("PublishMomentJob", moment.id))?.nextRunAt as Date).toISOString(), due.toISOString(), "one job at the moment's time");

    const seen: Record<string, unknown>[] = [];
    wecomApi().post("/cgi-bin/media/upload_attachment").query(true).reply(200, { errcode: 0, errmsg: "ok", type: "image", media_id: "MEDIA_1", created_at: "1" });
    wecomApi()
      .post("/cgi-bin/externalcontact/add_moment_task", (body) => Boolean(seen.push(body)))
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok", jobid: "JOB_1" });
    wecomApi()
      .get("/cgi-bin/externalcontact/get_moment_task_result")
      .query((query) => query.jobid === "JOB_1")
      .reply(200, { errcode: 0, errmsg: "ok", status: 3, type: "add_moment_task", result: { errcode: 0, errmsg: "ok", moment_id: "MOM_1", invalid_sender_list: { user_list: ["zhang"], department_list: [] }, invalid_external_contact_list: { tag_list: [] } } });
    // Due now by Agenda's own clock; the job reads the injected one.
    clock = due;
    await agendaJobs().updateOne({ name: "PublishMomentJob", "data.momentId": moment.id }, { $set: { nextRunAt: new Date(Date.now() - 1000) } });
    const scheduler = await startScheduler(mongoose.connection.db as Db, { wecom: testWeComClient(), now: () => clock }, { processEvery: 100 });
    try {
      await waitFor(async () => (await Moment.findById(moment.id).lean())?.status === "sent", { timeoutMs: 10_000 });
    } finally {
      await scheduler.stop();
    }
    assert.deepEqual(seen, [
      {
        text: { content: "天气转凉，记得添衣。门店为会员准备了热饮，路过进来坐坐。" },
        attachments: [{ msgtype: "image", image: { media_id: "MEDIA_1" } }],
        visible_range: { sender_list: { user_list: ["li", "wang", "zhang"] }, external_contact_list: { tag_list: ["tagGold"] } },
      },
    ]);
    const sent = await Moment.findById(moment.id).lean();
    assert.equal(sent?.jobId, "JOB_1");
    assert.equal(sent?.momentId, "MOM_1");
    assert.deepEqual(sent?.invalidUserIds, ["zhang"]);
    const zhang = await CampaignGuide.findById(`moment:${moment.id}:zhang`).lean();
    assert.equal(zhang?.state, "failed");
    assert.match(zhang?.failReason ?? "", /账号无效/);
    assert.equal(((await jobOf("SyncMomentJob", moment.id))?.nextRunAt as Date).toISOString(), new Date(due.getTime() + 10 * MINUTE).toISOString(), "first sync 10 minutes after the send");

    // 10 minutes on: wang has published (on the second page), li not yet.
    wecomApi().post("/cgi-bin/externalcontact/get_moment_task", (body) => body.cursor === "").query(true).reply(200, { errcode: 0, errmsg: "ok", task_list: [{ userid: "li", publish_status: 0 }], next_cursor: "C2" });
    wecomApi().post("/cgi-bin/externalcontact/get_moment_task", (body) => body.cursor === "C2").query(true).reply(200, { errcode: 0, errmsg: "ok", task_list: [{ userid: "wang", publish_status: 1 }], next_cursor: "" });
    wecomApi()
      .post("/cgi-bin/externalcontact/get_moment_comments", (body) => body.userid === "wang" && body.moment_id === "MOM_1")
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok", like_list: [{ external_userid: "wm1", create_time: 1 }, { external_userid: "wm2", create_time: 2 }, { userid: "li", create_time: 3 }], comment_list: [{ external_userid: "wm1", create_time: 4 }] });
    clock = new Date(due.getTime() + 10 * MINUTE);
    await new SyncMomentJob({ wecom: testWeComClient(), now: () => clock }).perform({ momentId: moment.id });
    const wang = await CampaignGuide.findById(`moment:${moment.id}:wang`).lean();
    assert.equal(wang?.state, "done");
    assert.deepEqual(wang?.figures, { likes: 3, comments: 1 });
    assert.equal((await CampaignGuide.findById(`moment:${moment.id}:li`).lean())?.state, "assigned");
    const synced = await consoleGet(context.server, `/api/console/moments/${moment.id}`);
    assert.deepEqual((synced.body.data as { totals: unknown }).totals, { published: 1, likes: 3, comments: 1 });
    assert.deepEqual((synced.body.data as { invalidGuides: unknown }).invalidGuides, [{ userId: "zhang", name: "小张" }]);
    assert.equal(((await jobOf("SyncMomentJob", moment.id))?.nextRunAt as Date).toISOString(), new Date(due.getTime() + 20 * MINUTE).toISOString());

    // Three hours on: hourly.
    wecomApi().post("/cgi-bin/externalcontact/get_moment_task").query(true).reply(200, { errcode: 0, errmsg: "ok", task_list: [{ userid: "li", publish_status: 0 }, { userid: "wang", publish_status: 1 }], next_cursor: "" });
    wecomApi().post("/cgi-bin/externalcontact/get_moment_comments").query(true).reply(200, { errcode: 0, errmsg: "ok", like_list: [{ external_userid: "wm1", create_time: 1 }], comment_list: [] });
    clock = new Date(due.getTime() + 180 * MINUTE + 5000);
    await new SyncMomentJob({ wecom: testWeComClient(), now: () => clock }).perform({ momentId: moment.id });
    assert.equal(((await jobOf("SyncMomentJob", moment.id))?.nextRunAt as Date).toISOString(), new Date(due.getTime() + 240 * MINUTE).toISOString(), "hourly after two hours");

    const cancels: unknown[] = [];
    wecomApi().post("/cgi-bin/externalcontact/cancel_moment_task", (body) => Boolean(cancels.push(body))).query(true).reply(200, { errcode: 0, errmsg: "ok" });
    const cancelled = await consoleSend(context.server, "POST", `/api/console/moments/${moment.id}/cancel`, {});
    assert.equal(cancelled.status, 200, JSON.stringify(cancelled.body));
    assert.equal((cancelled.body.data as { status: string }).status, "cancelled");
    assert.deepEqual(cancels, [{ moment_id: "MOM_1" }]);
    assert.equal((await CampaignGuide.findById(`moment:${moment.id}:li`).lean())?.state, "cancelled");
    assert.equal((await CampaignGuide.findById(`moment:${moment.id}:wang`).lean())?.state, "done", "who published keeps it");
    assert.equal(await jobOf("SyncMomentJob", moment.id), null, "no more syncs");
    const mix = await consoleGet(context.server, "/api/console/moments/mix?month=2026-12");
    assert.equal((mix.body.data as { total: number }).total, 0, "a cancelled moment leaves the month's mix");
  });

  it("should add one task when the job runs twice, wait while WeCom is still working, and retry later on 41078", async () => {
    const moment = await create({ attachment: { type: "none", fileIds: [] } });
    clock = new Date(START.getTime() + 60 * MINUTE);
    const job = new PublishMomentJob({ wecom: testWeComClient(), now: () => clock });

    wecomApi().post("/cgi-bin/externalcontact/add_moment_task").query(true).reply(200, { errcode: 41078, errmsg: "too many running moment jobs" });
    assert.equal((await job.perform({ momentId: moment.id })).status, "waiting");
    let stored = await Moment.findById(moment.id).lean();
    assert.equal(stored?.status, "sending");
    assert.equal(stored?.jobId, null);
    assert.match(stored?.failReason ?? "", /稍后自动重试/);
    assert.equal(((await jobOf("PublishMomentJob", moment.id))?.nextRunAt as Date).toISOString(), new Date(clock.getTime() + 10 * MINUTE).toISOString());

    let adds = 0;
    wecomApi().post("/cgi-bin/externalcontact/add_moment_task", () => Boolean(++adds)).query(true).reply(200, { errcode: 0, errmsg: "ok", jobid: "JOB_2" }).persist();
    wecomApi().get("/cgi-bin/externalcontact/get_moment_task_result").query(true).reply(200, { errcode: 0, errmsg: "ok", status: 2, type: "add_moment_task" });
    clock = new Date(clock.getTime() + 10 * MINUTE);
    assert.equal((await job.perform({ momentId: moment.id })).status, "waiting");
    assert.equal((await Moment.findById(moment.id).lean())?.jobId, "JOB_2", "the jobid is kept before the result is known");

    wecomApi().get("/cgi-bin/externalcontact/get_moment_task_result").query(true).reply(200, { errcode: 0, errmsg: "ok", status: 3, type: "add_moment_task", result: { errcode: 0, errmsg: "ok", moment_id: "MOM_2" } }).persist();
    clock = new Date(clock.getTime() + MINUTE);
    await Promise.all([job.perform({ momentId: moment.id }), momentPublisher({ wecom: testWeComClient(), momentId: moment.id, now: clock })]);
    await job.perform({ momentId: moment.id });
    stored = await Moment.findById(moment.id).lean();
    assert.equal(stored?.status, "sent");
    assert.equal(stored?.momentId, "MOM_2");
    assert.equal(adds, 1, "one add_moment_task however often the job runs");
    assert.equal(await CampaignGuide.countDocuments({ kind: "moment", campaignId: moment.id }), 3);
  });

  it("should cancel a moment before its time without asking WeCom, and fail every guide with WeCom's reason when it refuses the whole task", async () => {
    const early = await create({ attachment: { type: "none", fileIds: [] } });
    const cancelled = await consoleSend(context.server, "POST", `/api/console/moments/${early.id}/cancel`, {});
    assert.equal((cancelled.body.data as { status: string }).status, "cancelled");
    assert.equal(await jobOf("PublishMomentJob", early.id), null);
    assert.equal(((await consoleGet(context.server, "/api/console/moments/mix?month=2026-12")).body.data as { total: number }).total, 0);
    assert.equal((await new PublishMomentJob({ wecom: testWeComClient(), now: () => new Date(START.getTime() + 61 * MINUTE) }).perform({ momentId: early.id })).status, "cancelled", "a stray run does nothing");

    const refused = await create({ attachment: { type: "none", fileIds: [] }, text: "会员日提醒" });
    wecomApi().post("/cgi-bin/externalcontact/add_moment_task").query(true).reply(200, { errcode: 48002, errmsg: "api forbidden" });
    clock = new Date(START.getTime() + 60 * MINUTE);
    assert.equal((await new PublishMomentJob({ wecom: testWeComClient(), now: () => clock }).perform({ momentId: refused.id })).status, "failed");
    const stored = await Moment.findById(refused.id).lean();
    assert.equal(stored?.status, "failed");
    assert.equal(stored?.failReason, "企业微信拒绝：应用没有客户朋友圈接口权限（48002）");
    const guides = await CampaignGuide.find({ kind: "moment", campaignId: refused.id }).lean();
    assert.deepEqual(guides.map((guide) => [guide.state, guide.failReason]), Array.from({ length: 3 }, () => ["failed", "企业微信拒绝：应用没有客户朋友圈接口权限（48002）"]));
  });

  it("should try a sync again later when WeCom fails, instead of stopping the schedule", async () => {
    const moment = await create({ attachment: { type: "none", fileIds: [] } });
    const sentAt = new Date(START.getTime() + 60 * MINUTE);
    await Moment.updateOne({ _id: moment.id }, { $set: { status: "sent", momentId: "MOM_3", sentAt } });
    wecomApi().post("/cgi-bin/externalcontact/get_moment_task").query(true).times(4).reply(500, "busy");
    clock = new Date(sentAt.getTime() + 10 * MINUTE);
    await assert.rejects(new SyncMomentJob({ wecom: testWeComClient(), now: () => clock }).perform({ momentId: moment.id }));
    assert.equal(((await jobOf("SyncMomentJob", moment.id))?.nextRunAt as Date).toISOString(), new Date(clock.getTime() + 10 * MINUTE).toISOString());
  });

  it("should retry only the failed guides: a further task for a sent moment, synced with the first, and a failed moment as a whole", async () => {
    const moment = await create({ attachment: { type: "none", fileIds: [] } });
    clock = new Date(START.getTime() + 60 * MINUTE);
    const job = () => new PublishMomentJob({ wecom: testWeComClient(), now: () => clock });
    const bodies: { visible_range: { sender_list: { user_list: string[] } } }[] = [];
    wecomApi().post("/cgi-bin/externalcontact/add_moment_task", (body) => Boolean(bodies.push(body))).query(true).reply(200, { errcode: 0, errmsg: "ok", jobid: "JOB_A" });
    wecomApi().get("/cgi-bin/externalcontact/get_moment_task_result").query((query) => query.jobid === "JOB_A").reply(200, { errcode: 0, errmsg: "ok", status: 3, result: { errcode: 0, errmsg: "ok", moment_id: "MOM_A", invalid_sender_list: { user_list: ["zhang"] } } });
    await job().perform({ momentId: moment.id });

    const refused = await consoleSend(context.server, "POST", `/api/console/moments/${moment.id}/retry`, { userIds: ["wang"] });
    assert.equal(refused.status, 400);
    assert.match(String(refused.body.message), /^userIds: 没有发表失败的导购可以重试/);
    const retried = await consoleSend(context.server, "POST", `/api/console/moments/${moment.id}/retry`, {});
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.equal((await CampaignGuide.findById(`moment:${moment.id}:zhang`).lean())?.state, "assigned");
    wecomApi().post("/cgi-bin/externalcontact/add_moment_task", (body) => Boolean(bodies.push(body))).query(true).reply(200, { errcode: 0, errmsg: "ok", jobid: "JOB_R" });
    wecomApi().get("/cgi-bin/externalcontact/get_moment_task_result").query((query) => query.jobid === "JOB_R").reply(200, { errcode: 0, errmsg: "ok", status: 3, result: { errcode: 0, errmsg: "ok", moment_id: "MOM_R" } });
    await job().perform({ momentId: moment.id });
    await job().perform({ momentId: moment.id });
    assert.deepEqual(bodies.map((body) => body.visible_range.sender_list.user_list), [["li", "wang", "zhang"], ["zhang"]], "the retry goes to the failed guide only, once");
    const stored = await Moment.findById(moment.id).lean();
    assert.deepEqual(stored?.retries.map((part) => [part.status, part.momentId, part.userIds]), [["sent", "MOM_R", ["zhang"]]]);

    wecomApi().post("/cgi-bin/externalcontact/get_moment_task", (body) => body.moment_id === "MOM_A").query(true).reply(200, { errcode: 0, errmsg: "ok", task_list: [{ userid: "wang", publish_status: 1 }, { userid: "li", publish_status: 0 }], next_cursor: "" });
    wecomApi().post("/cgi-bin/externalcontact/get_moment_task", (body) => body.moment_id === "MOM_R").query(true).reply(200, { errcode: 0, errmsg: "ok", task_list: [{ userid: "zhang", publish_status: 1 }], next_cursor: "" });
    wecomApi().post("/cgi-bin/externalcontact/get_moment_comments").query(true).times(2).reply(200, { errcode: 0, errmsg: "ok", like_list: [{ external_userid: "wm1", create_time: 1 }], comment_list: [] });
    clock = new Date(clock.getTime() + 10 * MINUTE);
    await new SyncMomentJob({ wecom: testWeComClient(), now: () => clock }).perform({ momentId: moment.id });
    assert.equal((await CampaignGuide.findById(`moment:${moment.id}:zhang`).lean())?.state, "done");
    assert.deepEqual((await Moment.findById(moment.id).lean())?.totals, { published: 2, likes: 2, comments: 0 });

    clock = START;
    const whole = await create({ attachment: { type: "none", fileIds: [] }, text: "整条重试" });
    wecomApi().post("/cgi-bin/externalcontact/add_moment_task").query(true).reply(200, { errcode: 48002, errmsg: "api forbidden" });
    clock = new Date(START.getTime() + 60 * MINUTE);
    await job().perform({ momentId: whole.id });
    assert.equal((await consoleSend(context.server, "POST", `/api/console/moments/${whole.id}/retry`, {})).status, 200);
    wecomApi().post("/cgi-bin/externalcontact/add_moment_task").query(true).reply(200, { errcode: 0, errmsg: "ok", jobid: "JOB_W" });
    wecomApi().get("/cgi-bin/externalcontact/get_moment_task_result").query(true).reply(200, { errcode: 0, errmsg: "ok", status: 3, result: { errcode: 0, errmsg: "ok", moment_id: "MOM_W" } });
    await job().perform({ momentId: whole.id });
    assert.equal((await Moment.findById(whole.id).lean())?.status, "sent");
    assert.equal(await CampaignGuide.countDocuments({ kind: "moment", campaignId: whole.id, state: "assigned" }), 3);
  });
});
