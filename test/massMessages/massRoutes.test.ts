import assert from "node:assert/strict";
import type { Db } from "mongodb";
import mongoose from "mongoose";
import { startScheduler, type Scheduler } from "../../server/jobs/scheduler.ts";
import { MassMessage } from "../../server/models/MassMessage.ts";
import { Segment } from "../../server/models/Segment.ts";
import { waitFor } from "../../server/utils/async.ts";
import { API_TOKEN, consoleGet, consoleSend, testWeComClient, useTestServer } from "../support/server.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";
import { someMembers } from "./support.ts";

const NOW = new Date("2026-12-05T02:00:00Z");

describe("mass message console routes", () => {
  const context = useTestServer({ now: () => NOW });
  let segmentId = "";
  beforeEach(async () => {
    nockToken();
    await someMembers([{ externalUserIds: ["wm-a1"], guideUserIds: ["guide-a"] }, { externalUserIds: ["wm-b1"], guideUserIds: ["guide-b"] }]);
    segmentId = String((await Segment.create({ name: "VIP 会员", rule: { tags: { any: ["tag-vip"] } } }))._id);
  });

  const body = (overrides: Record<string, unknown> = {}) => ({ name: "双十二会员专享", text: "亲，双十二会员价已开启", audience: { kind: "segment", segmentId }, guideRule: "last_contact", ...overrides });
  const remove = async (path: string) => {
    const response = await fetch(`${context.server.url}${path}`, { method: "DELETE", headers: { authorization: `Bearer ${API_TOKEN}` } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it("should refuse bad input in Chinese naming the field, creating nothing", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [body({ text: "字".repeat(1334) }), /^text: 文字不能超过 4000 字节/],
      [body({ attachments: Array.from({ length: 10 }, () => ({ kind: "link", title: "会员日", url: "https://example.com/a" })) }), /^attachments: 附件最多 9 个/],
      [body({ sendAt: "2026-12-04T00:00:00Z" }), /^sendAt: 发送时间不能早于现在/],
      [body({ audience: { kind: "segment", segmentId: "0123456789abcdef01234567" } }), /^audience\.segmentId: 人群已被删除/],
      [body({ text: "", attachments: [] }), /^text: 请填写文字或添加附件/],
      [body({ audience: { kind: "tags", tagIds: [] } }), /^audience\.tagIds: 请至少选择一个标签/],
    ];
    for (const [input, message] of cases) {
      const response = await consoleSend(context.server, "POST", "/api/console/mass-messages", input);
      assert.equal(response.status, 400, JSON.stringify(response.body));
      assert.match(String(response.body["message"]), message);
    }
    assert.equal(await MassMessage.countDocuments({}), 0);
  });

  it("should refuse to send to an empty audience or a deleted segment, leaving the draft as it was", async () => {
    const empty = await consoleSend(context.server, "POST", "/api/console/mass-messages", body({ audience: { kind: "tags", tagIds: ["tag-nobody"] } }));
    assert.equal(empty.status, 201);
    const emptyId = (empty.body["data"] as { id: string }).id;
    const refused = await consoleSend(context.server, "POST", `/api/console/mass-messages/${emptyId}/send`, {});
    assert.equal(refused.status, 400);
    assert.match(String(refused.body["message"]), /^audience: 受众为空/);

    const created = await consoleSend(context.server, "POST", "/api/console/mass-messages", body());
    const id = (created.body["data"] as { id: string }).id;
    await Segment.deleteOne({ _id: segmentId });
    const gone = await consoleSend(context.server, "POST", `/api/console/mass-messages/${id}/send`, {});
    assert.match(String(gone.body["message"]), /^audience\.segmentId: 人群已被删除/);
    assert.deepEqual((await MassMessage.find({}).lean()).map((campaign) => campaign.status), ["draft", "draft"]);
  });

  it("should preview the audience, send now, dispatch through the job and show progress; a draft is deleted, a sent one is not", async () => {
    const preview = await consoleSend(context.server, "POST", "/api/console/mass-messages/preview", { audience: { kind: "segment", segmentId } });
    assert.deepEqual(preview.body["data"], { count: 2 });
    const created = await consoleSend(context.server, "POST", "/api/console/mass-messages", body());
    const id = (created.body["data"] as { id: string }).id;
    const sent = await consoleSend(context.server, "POST", `/api/console/mass-messages/${id}/send`, {});
    assert.equal((sent.body["data"] as { status: string }).status, "scheduled");

    wecomApi().post("/cgi-bin/externalcontact/add_msg_template").query(true).times(2).reply(200, (_uri, request) => ({ errcode: 0, errmsg: "ok", msgid: `msg-${String((request as Record<string, unknown>)["sender"])}` }));
    const scheduler: Scheduler = await startScheduler(mongoose.connection.db as Db, { wecom: testWeComClient(), now: () => NOW }, { processEvery: 100 });
    try {
      // The job can finish before a listener on Agenda's events is attached (it is due at once):
      // wait on what it leaves in the database instead.
      const settled = await waitFor(async () => ["sent", "failed"].includes((await MassMessage.findById(id, { status: 1 }).lean())?.status ?? ""), { timeoutMs: 15_000, intervalMs: 50 });
      assert.ok(settled, "the dispatch job ran");
    } finally {
      await scheduler.stop();
    }
    const detail = await consoleGet(context.server, `/api/console/mass-messages/${id}`);
    const data = detail.body["data"] as { status: string; statusLabel: string; progress: Record<string, number>; remindsLeft: number; audience: { segmentName: string } };
    assert.equal(data.statusLabel, "已发出");
    assert.deepEqual(data.progress, { planned: 2, unreachable: 0, guides: 2, tasks: 2, tasksCreated: 2, tasksFailed: 0 });
    assert.equal(data.remindsLeft, 3);
    assert.equal(data.audience.segmentName, "VIP 会员");
    const list = await consoleGet(context.server, "/api/console/mass-messages?status=sent");
    assert.equal((list.body["pagination"] as { total: number }).total, 1);

    const notDeleted = await remove(`/api/console/mass-messages/${id}`);
    assert.equal(notDeleted.status, 400);
    const draft = await consoleSend(context.server, "POST", "/api/console/mass-messages", body({ name: "草稿" }));
    const deleted = await remove(`/api/console/mass-messages/${(draft.body["data"] as { id: string }).id}`);
    assert.equal(deleted.status, 200);
  });
});
