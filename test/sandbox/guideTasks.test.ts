import assert from "node:assert/strict";
import { assignCampaignGuides } from "../../server/commands/campaignCompletion.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Moment } from "../../server/models/Moment.ts";
import { SANDBOX_AGENT_SECRET, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "../../server/sandbox/config.ts";
import { SandboxMassMessage, SandboxMoment, SandboxUser } from "../../server/sandbox/models/index.ts";
import { WeComClient } from "../../server/wecom/client.ts";
import { resetDatabase } from "../support/hooks.ts";
import { consoleSend } from "../support/server.ts";
import { startSandboxServer, type SandboxServer } from "./sandboxServer.ts";

const unix = (at: Date) => Math.floor(at.getTime() / 1000);

type Tasks = {
  moments: { jobid: string; text: string; publishAt: string | null }[];
  massMessages: { msgid: string; text: string; recipients: number; sendAt: string | null }[];
  appMessages: { title: string; description: string; msgtype: string }[];
};

describe("sandbox page: a guide's campaign tasks (代发表 / 代发送) and the app messages they got", () => {
  let sandbox: SandboxServer;
  let wecom: WeComClient;

  before(async () => {
    sandbox = await startSandboxServer();
    wecom = new WeComClient({ baseUrl: sandbox.wecomApiBase, corpId: SANDBOX_CORP_ID, secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 2 } });
  });
  after(() => sandbox.close());

  const call = async (method: "GET" | "POST", path: string, body?: unknown) => {
    const response = await fetch(`${sandbox.server.url}/sandbox/api${path}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { data?: unknown; message?: string } };
  };
  const tasksOf = async (userid: string) => (await call("GET", `/guide-tasks?userid=${userid}`)).body.data as Tasks;

  beforeEach(async () => {
    await resetDatabase();
    await SandboxUser.create([
      { userid: "liting", name: "李婷", status: 1 },
      { userid: "wangfang", name: "王芳", status: 1 },
    ]);
    const now = unix(new Date());
    await SandboxMoment.create({
      jobid: "job-spring",
      moment_id: "mom-spring",
      text: "春季新品上市",
      create_time: now - 60,
      user_list: ["liting", "wangfang"],
      // 李婷 has not decided; 王芳 would publish in an hour.
      publish_list: [
        { userid: "liting", publish_time: 0 },
        { userid: "wangfang", publish_time: now + 3600 },
      ],
    });
    await SandboxMoment.create({ jobid: "job-old", moment_id: "mom-old", text: "已发表的", create_time: now - 7200, user_list: ["liting"], publish_list: [{ userid: "liting", publish_time: now - 3600 }] });
    await SandboxMoment.create({ jobid: "job-cancelled", moment_id: "mom-cancelled", text: "取消的", create_time: now - 7200, user_list: ["liting"], publish_list: [{ userid: "liting", publish_time: 0 }], cancel_time: now - 60 });
    await SandboxMassMessage.create({ msgid: "msg-vip", sender: "liting", text: "会员日全场九折", external_userid: ["wmA", "wmB", "wmC"], fail_list: ["wmC"], create_time: now - 60, send_time: 0 });
    await SandboxMassMessage.create({ msgid: "msg-sent", sender: "liting", text: "已发送", external_userid: ["wmA"], create_time: now - 7200, send_time: now - 3600 });
  });

  it("should list only what the guide still has to do, and 代发表 makes WeCom report the moment published", async () => {
    const before = await tasksOf("liting");
    assert.deepEqual(before.moments.map((moment) => [moment.jobid, moment.text, moment.publishAt]), [["job-spring", "春季新品上市", null]]);
    assert.deepEqual(before.massMessages.map((message) => [message.msgid, message.text, message.recipients]), [["msg-vip", "会员日全场九折", 2]]);
    const wangfang = await tasksOf("wangfang");
    assert.equal(wangfang.moments.length, 1);
    assert.ok(wangfang.moments[0]!.publishAt, "the time the guide's habit would publish it");

    const published = await call("POST", "/guide-tasks/moments/job-spring/publish", { userid: "liting" });
    assert.deepEqual(published.body.data, { published: true });
    const again = await call("POST", "/guide-tasks/moments/job-spring/publish", { userid: "liting" });
    assert.deepEqual(again.body.data, { published: false }, "pressing twice publishes once");
    assert.deepEqual((await tasksOf("liting")).moments, []);

    const task = await wecom.post<{ task_list: { userid: string; publish_status: number }[] }>("/cgi-bin/externalcontact/get_moment_task", { moment_id: "mom-spring" });
    assert.deepEqual(task.task_list, [
      { userid: "liting", publish_status: 1 },
      { userid: "wangfang", publish_status: 0 },
    ]);
  });

  it("should 代发送 a mass message so get_groupmsg_task reports it sent, once", async () => {
    const sent = await call("POST", "/guide-tasks/mass/msg-vip/send", { userid: "liting" });
    assert.deepEqual(sent.body.data, { sent: true });
    assert.deepEqual((await call("POST", "/guide-tasks/mass/msg-vip/send", { userid: "liting" })).body.data, { sent: false });
    assert.deepEqual((await tasksOf("liting")).massMessages, []);
    const task = await wecom.post<{ task_list: { userid: string; status: number }[] }>("/cgi-bin/externalcontact/get_groupmsg_task", { msgid: "msg-vip" });
    assert.deepEqual(task.task_list.map((entry) => [entry.userid, entry.status]), [["liting", 2]]);
  });

  it("should refuse another guide's task, a cancelled one and a missing guide in Chinese, changing nothing", async () => {
    const foreign = await call("POST", "/guide-tasks/mass/msg-vip/send", { userid: "wangfang" });
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.message, "msgid: 该导购没有这条群发任务");
    const cancelled = await call("POST", "/guide-tasks/moments/job-cancelled/publish", { userid: "liting" });
    assert.equal(cancelled.status, 409);
    assert.equal(cancelled.body.message, "该朋友圈任务已被企业取消，不能发表");
    const noGuide = await call("POST", "/guide-tasks/moments/job-spring/publish", {});
    assert.equal(noGuide.status, 400);
    assert.match(String(noGuide.body.message), /userid/);
    assert.equal((await SandboxMassMessage.findOne({ msgid: "msg-vip" }).lean())?.send_time, 0);
  });

  it("should show the 催办 the console sent as an app message in the guide's list", async () => {
    await Employee.create([
      { userId: "liting", name: "李婷", departmentIds: [] },
      { userId: "wangfang", name: "王芳", departmentIds: [] },
    ]);
    const moment = await Moment.create({ text: "春季新品上市", kind: "care", scheduledAt: new Date(), month: "2026-03", status: "sent" });
    await assignCampaignGuides("moment", String(moment._id), ["liting", "wangfang"], new Date());
    const reminded = await consoleSend(sandbox.server, "POST", `/api/console/campaigns/moment/${String(moment._id)}/remind`, { userIds: ["liting"] });
    assert.equal(reminded.status, 200);
    assert.equal((reminded.body.data as { message: string }).message, "已提醒 1 位导购");
    const inbox = (await tasksOf("liting")).appMessages;
    assert.equal(inbox.length, 1);
    assert.equal(inbox[0]!.msgtype, "textcard");
    assert.equal(inbox[0]!.title, "催办：请发表朋友圈");
    assert.match(inbox[0]!.description, /「春季新品上市」还没有完成/);
    assert.deepEqual((await tasksOf("wangfang")).appMessages, [], "only the guide reminded");
  });
});
