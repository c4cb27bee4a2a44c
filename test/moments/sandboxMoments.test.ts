import assert from "node:assert/strict";
import { sandboxGuideDelay } from "../../server/sandbox/guideBehaviour.ts";
import { SANDBOX_AGENT_SECRET, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "../../server/sandbox/config.ts";
import { SandboxMoment, SandboxUser } from "../../server/sandbox/models/index.ts";
import { startWeComStandIn, type WeComStandIn } from "../../server/sandbox/wecomApi/index.ts";
import { WeComClient } from "../../server/wecom/client.ts";
import { resetDatabase } from "../support/hooks.ts";

const T0 = new Date("2026-12-07T02:00:00Z");
const GUIDES = Array.from({ length: 12 }, (_, index) => `guide${index + 1}`);

type Task = { task_list: { userid: string; publish_status: number }[]; next_cursor: string };
type Reactions = { like_list: unknown[]; comment_list: unknown[] };

describe("sandbox moments: guides publish on their habits, reactions grow, a cancel stops the rest", () => {
  let standIn: WeComStandIn;
  let clock = T0;
  let wecom: WeComClient;
  beforeEach(async () => {
    await resetDatabase();
    clock = T0;
    standIn = await startWeComStandIn({ now: () => clock });
    wecom = new WeComClient({ baseUrl: standIn.url, corpId: SANDBOX_CORP_ID, secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    await SandboxUser.create(GUIDES.map((userid) => ({ userid, name: userid, department: [1], main_department: 1, position: "导购" })));
  });
  afterEach(() => standIn.close());

  const tasks = async (momentId: string) => {
    const all: Task["task_list"] = [];
    let cursor = "";
    do {
      const page = await wecom.post<Task>("/cgi-bin/externalcontact/get_moment_task", { moment_id: momentId, cursor, limit: 5 });
      all.push(...page.task_list);
      cursor = page.next_cursor;
    } while (cursor);
    return all;
  };

  it("should fill publish_list from sandboxGuideDelay and answer get_moment_task and get_moment_comments from it", async () => {
    const { jobid } = await wecom.post<{ jobid: string }>("/cgi-bin/externalcontact/add_moment_task", { text: { content: "冬日关怀" }, visible_range: { sender_list: { user_list: GUIDES } } });
    const stored = await SandboxMoment.findById(jobid).lean();
    const created = Math.floor(T0.getTime() / 1000);
    for (const entry of stored!.publish_list) {
      const delay = sandboxGuideDelay(entry.userid, jobid);
      assert.equal(entry.publish_time, delay === null ? 0 : created + delay);
    }
    const momentId = stored!.moment_id;
    assert.equal((await tasks(momentId)).filter((task) => task.publish_status === 1).length, 0, "nobody at once");

    clock = new Date(T0.getTime() + 9 * 3600_000);
    const published = (await tasks(momentId)).filter((task) => task.publish_status === 1).map((task) => task.userid);
    const expected = stored!.publish_list.filter((entry) => entry.publish_time > 0).map((entry) => entry.userid);
    assert.deepEqual(published, expected, "everyone with a decided time has published within 9 hours");
    assert.ok(published.length < GUIDES.length || expected.length === GUIDES.length);

    const someone = published[0]!;
    const early = await wecom.post<Reactions>("/cgi-bin/externalcontact/get_moment_comments", { moment_id: momentId, userid: someone });
    assert.deepEqual(await wecom.post<Reactions>("/cgi-bin/externalcontact/get_moment_comments", { moment_id: momentId, userid: someone }), early, "the same on every call");
    clock = new Date(T0.getTime() + 48 * 3600_000);
    const later = await wecom.post<Reactions>("/cgi-bin/externalcontact/get_moment_comments", { moment_id: momentId, userid: someone });
    assert.ok(later.like_list.length >= early.like_list.length && later.like_list.length > 0, "likes grow");
  });

  it("should keep who published before a cancel and let nobody publish after it", async () => {
    const { jobid } = await wecom.post<{ jobid: string }>("/cgi-bin/externalcontact/add_moment_task", { text: { content: "门店服务升级" }, visible_range: { sender_list: { user_list: GUIDES } } });
    const { moment_id: momentId } = (await SandboxMoment.findById(jobid).lean())!;
    // The sandbox page's 代发表: guide1 publishes now.
    await SandboxMoment.updateOne({ _id: jobid, "publish_list.userid": "guide1" }, { $set: { "publish_list.$.publish_time": Math.floor(T0.getTime() / 1000) } });
    clock = new Date(T0.getTime() + 1000);
    await wecom.post("/cgi-bin/externalcontact/cancel_moment_task", { moment_id: momentId });
    clock = new Date(T0.getTime() + 48 * 3600_000);
    const published = (await tasks(momentId)).filter((task) => task.publish_status === 1).map((task) => task.userid);
    assert.deepEqual(published, ["guide1"]);
  });
});
