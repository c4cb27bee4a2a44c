import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import funnelJoinRecorder from "../../server/commands/funnelJoinRecorder.ts";
import { flushVisits } from "../../server/commands/funnelVisits.ts";
import { clearLandingCache } from "../../server/commands/landingCache.ts";
import { Event } from "../../server/models/Event.ts";
import { Group } from "../../server/models/Group.ts";
import type { PresentedFunnelStats } from "../../server/presenters/funnelStats.ts";
import { readStoredEvent } from "../../server/wecom/callbackEvent.ts";
import type { EventProcessor } from "../../server/workers/eventProcessor.ts";
import { chatEventXml, deliver } from "../support/callbacks.ts";
import { aGroupOf, funnelBody, nockJoinWays } from "../support/funnels.ts";
import { API_TOKEN, consoleGet, consoleSend, testProcessor, testWeComClient, useTestServer } from "../support/server.ts";
import { nockToken } from "../support/wecomNock.ts";

const cells = (row: ExcelJS.Row) => (row.values as unknown[]).slice(1);
const china = (when: string) => Math.floor(new Date(`${when}:00+08:00`).getTime() / 1000);
let clock = new Date("2026-12-20T12:00:00+08:00");

describe("group-code funnel statistics (群活码数据): joins, leaves, members now and 7-day retention per group and day", () => {
  const context = useTestServer({ now: () => clock, publicUrl: "https://scrm.example.com" });
  let processor: EventProcessor;
  let funnelId: string;
  const versions: Record<string, number> = {};

  // A member change as WeCom sends it, cut from the group's last version, delivered and processed.
  const change = async (chatId: string, detail: "add_member" | "del_member", members: string[], when: string) => {
    const last = versions[chatId] ?? 0;
    versions[chatId] = last + 1;
    const xml = chatEventXml("update", {
      ChatId: chatId,
      UpdateDetail: detail,
      ...(detail === "add_member" ? { JoinScene: 3 } : { QuitScene: 0 }),
      MemChangeCnt: members.length,
      MemChangeList: members,
      LastMemVer: `v${last}`,
      CurMemVer: `v${last + 1}`,
      CreateTime: china(when),
    });
    for (let delivery = 0; delivery < 2; delivery += 1) {
      assert.equal((await deliver(context.server.url, xml, { timestamp: String(Math.floor(clock.getTime() / 1000)) })).text, "success");
      await processor.drain();
    }
  };
  const stats = async (query = "from=2026-12-01&to=2026-12-20") => {
    const answer = await consoleGet(context.server, `/api/console/funnels/${funnelId}/stats?${query}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.data as PresentedFunnelStats;
  };

  beforeEach(async () => {
    clock = new Date("2026-12-20T12:00:00+08:00");
    clearLandingCache();
    processor = testProcessor({ context: { wecom: testWeComClient(), now: () => clock } });
    nockToken();
    nockJoinWays();
    await aGroupOf("wrChatA", 3, "会员福利一群");
    await aGroupOf("wrChatB", 0, "会员福利二群");
    await Group.updateMany({}, { $set: { memberVersion: "v0" } });
    versions.wrChatA = 0;
    versions.wrChatB = 0;
    const created = await consoleSend(context.server, "POST", "/api/console/funnels", funnelBody());
    assert.equal(created.status, 201, JSON.stringify(created.body));
    funnelId = (created.body.data as { id: string }).id;
    await change("wrChatA", "add_member", ["wmJoin0000001", "wmJoin0000002"], "2026-12-01T10:00");
    await change("wrChatB", "add_member", ["wmJoin0000003"], "2026-12-01T11:00");
    await change("wrChatA", "del_member", ["wmJoin0000001"], "2026-12-03T09:00");
    await change("wrChatA", "del_member", ["wmJoin0000002"], "2026-12-12T09:00");
    // A customer who was in the group before the funnel: a leave, but no scan join of the funnel's to lose.
    await change("wrChatA", "del_member", ["wmwrChatA000000"], "2026-12-13T09:00");
    await change("wrChatA", "add_member", ["wmJoin0000001"], "2026-12-14T20:00");
    // The funnel's step of every stored group event again, as after a worker died before marking them done.
    for (const event of await Event.find({ type: "change_external_chat" }).lean()) {
      const stored = readStoredEvent(event.type, event.payload);
      if (stored?.type === "change_external_chat") {
        await funnelJoinRecorder({ wecom: testWeComClient(), event: stored.payload, now: clock });
      }
    }
  });

  it("should count scan joins, leaves and 7-day retention once per change, by day and per group, with the members now", async () => {
    await fetch(`${context.server.url}/g/spring`);
    await fetch(`${context.server.url}/g/spring`);
    await flushVisits();
    const answer = await stats();
    assert.deepEqual([answer.visits, answer.visitors, answer.rangeVisits, answer.rangeVisitors], [2, 2, 2, 2]);
    assert.deepEqual(answer.totals, { joins: 4, leaves: 3, retention7: 2 / 3 });
    assert.equal(answer.byDay.length, 20);
    const day = (date: string) => answer.byDay.find((row) => row.day === date);
    assert.deepEqual([day("2026-12-20")?.visits, day("2026-12-20")?.visitors, day("2026-12-19")?.visits], [2, 2, 0], "visits count on the day of the clock");
    assert.deepEqual(day("2026-12-01"), { day: "2026-12-01", joins: 3, leaves: 0, retention7: 2 / 3, visits: 0, visitors: 0 });
    assert.deepEqual(day("2026-12-03"), { day: "2026-12-03", joins: 0, leaves: 1, retention7: null, visits: 0, visitors: 0 });
    assert.deepEqual(day("2026-12-14"), { day: "2026-12-14", joins: 1, leaves: 0, retention7: null, visits: 0, visitors: 0 }, "the re-join's 7 days are not over");
    assert.deepEqual(
      answer.groups.map((group) => [group.name, group.memberCount, group.joins, group.leaves, group.retention7]),
      [
        ["会员福利一群", 3, 3, 3, 0.5],
        ["会员福利二群", 1, 1, 0, 1],
      ],
    );
    assert.equal(answer.membersNow, 4);
  });

  it("should export by day and by group as Excel with Chinese headers and the funnel's name in the file name", async () => {
    await fetch(`${context.server.url}/g/spring`);
    await fetch(`${context.server.url}/g/spring`);
    await flushVisits();
    const response = await fetch(`${context.server.url}/api/console/funnels/${funnelId}/stats.xlsx?from=2026-12-01&to=2026-12-20`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    assert.equal(response.status, 200);
    assert.match(decodeURIComponent(response.headers.get("content-disposition") ?? ""), /春季会员福利群-群活码数据-2026-12-01至2026-12-20\.xlsx/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const groups = workbook.getWorksheet("按群")!;
    assert.deepEqual(cells(groups.getRow(1)), ["客户群", "类型", "当前人数", "扫码入群", "退群", "7日留存率"]);
    assert.deepEqual(cells(groups.getRow(2)), ["会员福利一群", "企业微信群", 3, 3, 3, 0.5]);
    assert.deepEqual(cells(groups.getRow(4)), ["合计", "", 4, 4, 3, 2 / 3]);
    const days = workbook.getWorksheet("按日")!;
    assert.deepEqual(cells(days.getRow(1)), ["日期", "访问", "新访客", "扫码入群", "退群", "7日留存率"]);
    assert.deepEqual(cells(days.getRow(2)), ["2026-12-01", 0, 0, 3, 0, 2 / 3]);
    assert.deepEqual(cells(days.getRow(15)), ["2026-12-14", 0, 0, 1, 0, "—"]);
    assert.deepEqual(cells(days.getRow(21)), ["2026-12-20", 2, 2, 0, 0, "—"]);
    assert.deepEqual(cells(days.getRow(22)), ["合计", 2, 2, 4, 3, 2 / 3]);
  });

  it("should refuse a bad range in Chinese naming the field, and answer 404 for a funnel that does not exist", async () => {
    const backwards = await consoleGet(context.server, `/api/console/funnels/${funnelId}/stats?from=2026-12-10&to=2026-12-01`);
    assert.deepEqual([backwards.status, backwards.body.message], [400, "to: 结束日期不能早于开始日期"]);
    const missing = await consoleGet(context.server, "/api/console/funnels/0123456789abcdef01234567/stats");
    assert.equal(missing.status, 404);
  });
});
