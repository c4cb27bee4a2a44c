import assert from "node:assert/strict";
import mongoose from "mongoose";
import { Moment } from "../../server/models/Moment.ts";
import { MediaFile } from "../../server/models/MediaFile.ts";
import { MomentMonth } from "../../server/models/MomentMonth.ts";
import { consoleGet, consoleSend, useTestServer } from "../support/server.ts";
import { loginAs } from "../support/sessions.ts";
import { momentBody, seedMomentWorld } from "./support.ts";

const agendaJobs = () => mongoose.connection.db!.collection("agenda_jobs");
const NOW = new Date("2026-12-07T01:00:00Z");
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

describe("moments: the editor refuses, changing nothing, and counts the month's mix", () => {
  const context = useTestServer({ now: () => NOW });
  let imageId = "";
  beforeEach(async () => {
    await agendaJobs().deleteMany({});
    ({ imageId } = await seedMomentWorld());
  });

  const send = (body: Record<string, unknown>) => consoleSend(context.server, "POST", "/api/console/moments", momentBody({ scheduledAt: later(60), ...body }));
  const nothingStored = async () => {
    assert.equal(await Moment.countDocuments(), 0);
    assert.equal(await agendaJobs().countDocuments({}), 0);
    assert.equal(await MomentMonth.countDocuments(), 0);
  };

  it("should refuse bad input with a Chinese message naming the field", async () => {
    const longVideo = await MediaFile.create({ _id: "a".repeat(24), kind: "video", name: "长视频.mp4", mime: "video/mp4", size: 5_000_000, durationSec: 45, createdBy: "ops" });
    const bigVideo = await MediaFile.create({ _id: "b".repeat(24), kind: "video", name: "大视频.mp4", mime: "video/mp4", size: 12_000_000, durationSec: 20, createdBy: "ops" });
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ text: "好".repeat(2001) }, /^text: 文字不能超过 2000 个字/],
      [{ text: "", attachment: { type: "none" } }, /^text: 请填写文字或添加图片、视频、链接/],
      [{ attachment: { type: "images", fileIds: Array.from({ length: 10 }, () => imageId) } }, /^attachment\.fileIds: 图片最多 9 张/],
      [{ attachment: { type: "video", fileIds: [longVideo._id] } }, /^attachment\.fileIds: .*不能超过 30 秒/],
      [{ attachment: { type: "video", fileIds: [bigVideo._id] } }, /^attachment\.fileIds: 视频不能超过 10MB/],
      [{ attachment: { type: "images", fileIds: ["c".repeat(24)] } }, /^attachment: 附件文件不存在/],
      [{ attachment: { type: "link", link: { title: "一二三四五六七八九十一二三四五六七八九十一二", url: "https://shop.example.com", coverFileId: imageId } } }, /^attachment\.link\.title: 链接标题不能超过 64 字节/],
      [{ scheduledAt: later(-5) }, /^scheduledAt: 发表时间已过/],
      [{ publishers: { departmentIds: [], userIds: [] } }, /^publishers: 请选择发表的门店、部门或导购/],
      [{ publishers: { departmentIds: [999], userIds: [] } }, /^publishers: 所选门店、部门或导购中没有可发表的在职导购/],
      [{ kind: "promo" }, /^kind: 内容类型应为关怀、服务或广告/],
      [{ syncDays: 0 }, /^syncDays: 统计天数应在 1 到 30 天之间/],
      [{ syncDays: 31 }, /^syncDays: 统计天数应在 1 到 30 天之间/],
    ];
    for (const [body, message] of cases) {
      const refused = await send(body);
      assert.equal(refused.status, 400, JSON.stringify(body).slice(0, 80));
      assert.match(String(refused.body.message), message);
    }
    await nothingStored();
  });

  it("should change a planned moment only while it has not gone to WeCom, and keep a refused change from touching it", async () => {
    const created = await send({ attachment: { type: "images", fileIds: [imageId] } });
    const id = (created.body.data as { id: string }).id;
    const refused = await consoleSend(context.server, "PUT", `/api/console/moments/${id}`, momentBody({ scheduledAt: later(-1) }));
    assert.equal(refused.status, 400);
    const stored = await Moment.findById(id).lean();
    assert.equal(stored?.scheduledAt.toISOString(), later(60));
    assert.deepEqual(stored?.attachment.fileIds, [imageId]);

    const moved = await consoleSend(context.server, "PUT", `/api/console/moments/${id}`, momentBody({ kind: "ads", scheduledAt: "2027-01-03T02:00:00Z" }));
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    const job = await agendaJobs().findOne({ name: "PublishMomentJob", "data.momentId": id });
    assert.equal((job?.nextRunAt as Date).toISOString(), "2027-01-03T02:00:00.000Z", "the job moves with the time");
    assert.equal(await agendaJobs().countDocuments({ "data.momentId": id }), 1);
    const december = (await consoleGet(context.server, "/api/console/moments/mix?month=2026-12")).body.data as { total: number };
    const january = (await consoleGet(context.server, "/api/console/moments/mix?month=2027-01")).body.data as { counts: Record<string, number> };
    assert.equal(december.total, 0, "moved out of December");
    assert.deepEqual(january.counts, { care: 0, service: 0, ads: 1 });

    await Moment.updateOne({ _id: id }, { $set: { status: "sent" } });
    const late = await consoleSend(context.server, "PUT", `/api/console/moments/${id}`, momentBody({ scheduledAt: later(90) }));
    assert.equal(late.status, 409);
    assert.match(String(late.body.message), /^status: 朋友圈已提交企业微信/);
    const remove = await fetch(`${context.server.url}/api/console/moments/${id}`, { method: "DELETE", headers: { authorization: "Bearer test-api-token-0123456789" } });
    assert.equal(remove.status, 409);
  });

  it("should count each month's kinds on write and warn when ads pass 10%", async () => {
    const kinds = ["care", "care", "care", "care", "care", "care", "service", "service", "ads", "ads"];
    const ids: string[] = [];
    for (const [index, kind] of kinds.entries()) {
      const created = await send({ kind, scheduledAt: later(60 + index), draft: index === 0 });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      ids.push((created.body.data as { id: string }).id);
    }
    let mix = (await consoleGet(context.server, "/api/console/moments/mix?month=2026-12")).body.data as { counts: Record<string, number>; warnings: string[] };
    assert.deepEqual(mix.counts, { care: 6, service: 2, ads: 2 });
    assert.deepEqual(mix.warnings, ["广告占 20%，超过 10% 的建议上限", "关怀仅占 60%，低于 70% 的建议比例"]);
    const remove = await fetch(`${context.server.url}/api/console/moments/${ids[9]}`, { method: "DELETE", headers: { authorization: "Bearer test-api-token-0123456789" } });
    assert.equal(remove.status, 200);
    mix = (await consoleGet(context.server, "/api/console/moments/mix?month=2026-12")).body.data as { counts: Record<string, number>; warnings: string[] };
    assert.deepEqual(mix.counts, { care: 6, service: 2, ads: 1 });
    assert.deepEqual(mix.warnings, ["广告占 11%，超过 10% 的建议上限", "关怀仅占 67%，低于 70% 的建议比例"]);
  });

  it("should list a month in calendar order with filters, and let a manager read but not write", async () => {
    await send({ kind: "ads", scheduledAt: later(120), text: "双十二会员日，全场满 300 减 50" });
    await send({ kind: "care", scheduledAt: later(60) });
    const list = await consoleGet(context.server, "/api/console/moments?month=2026-12");
    assert.deepEqual((list.body.data as { kind: string }[]).map((moment) => moment.kind), ["care", "ads"]);
    assert.deepEqual(list.body.pagination, { page: 1, pageSize: 20, total: 2 });
    const search = await consoleGet(context.server, `/api/console/moments?q=${encodeURIComponent("会员日")}&kind=ads`);
    assert.equal((search.body.data as unknown[]).length, 1);
    const badMonth = await consoleGet(context.server, "/api/console/moments?month=2026-13");
    assert.equal(badMonth.status, 400);
    assert.match(String(badMonth.body.message), /^month: 月份应为 YYYY-MM/);
    const manager = await loginAs(context.server, { userId: "mgr", role: "manager", scopeStoreIds: ["101"], departmentIds: [101] });
    assert.equal((await manager.get("/api/console/moments")).status, 200);
    assert.equal((await manager.send("POST", "/api/console/moments", momentBody({ scheduledAt: later(60) }))).status, 403);
    assert.equal((await consoleGet(context.server, "/api/console/moments", null)).status, 401);
  });
});
