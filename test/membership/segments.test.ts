import assert from "node:assert/strict";
import ExcelJS from "exceljs";
import { Types } from "mongoose";
import { segmentMemberFilter } from "../../server/commands/segmentCounter.ts";
import { memberMetrics } from "../../server/domain/metrics.ts";
import { DEFAULT_PROGRAM, type Program } from "../../server/domain/program.ts";
import { compileSegmentFilter, SegmentRuleSchema, type SegmentRule } from "../../server/domain/segmentRule.ts";
import { Member } from "../../server/models/Member.ts";
import { API_TOKEN, consoleGet, consoleSend, useTestServer } from "../support/server.ts";

const DAY = 86_400_000;
/** 2026-06-15 12:00 in Beijing. */
const NOW = new Date("2026-06-15T04:00:00.000Z");
const ago = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * DAY - extraMs);

let serial = 0;
/** A realistic member document; fields not given take a quiet default. */
function member(fields: Record<string, unknown> = {}) {
  serial += 1;
  const no = String(serial).padStart(8, "0");
  const { metrics, ...rest } = fields as { metrics?: Record<string, unknown> };
  return {
    memberNo: `M${no}`,
    name: `会员${serial}`,
    phoneMasked: `138****${no.slice(-4)}`,
    sourceChannel: "tmall",
    levelCode: "regular",
    growth: 0,
    points: 0,
    ...rest,
    metrics: { totalSpent: 0, orderCount: 0, lastPurchaseAt: null, purchaseTimes: [], ...metrics },
  };
}

const matching = async (rule: SegmentRule, program: Program = DEFAULT_PROGRAM) =>
  (await Member.find(compileSegmentFilter(SegmentRuleSchema.parse(rule), program, NOW)).select("memberNo").lean()).map((doc) => doc.memberNo).sort();

describe("segments (人群)", () => {
  const context = useTestServer({ now: () => NOW });
  const remove = (path: string) => fetch(`${context.server.url}${path}`, { method: "DELETE", headers: { authorization: `Bearer ${API_TOKEN}` } });

  describe("compileSegmentFilter", () => {
    const recency = [null, ago(-1), ago(0), ago(30), ago(30, 1), ago(31), ago(90), ago(90, 1), ago(180), ago(365), ago(365, 1), ago(800)];
    const orders = [0, 1, 2, 3, 4, 5, 9, 10, 11];
    const spent = [0, 49_999, 50_000, 199_999, 200_000, 500_000, 999_999, 1_000_000, 3_000_000];
    const grid = async () => {
      const docs = Array.from({ length: 36 }, (_, index) =>
        member({ metrics: { lastPurchaseAt: recency[index % 12], orderCount: orders[index % 9], totalSpent: spent[(index * 5) % 9] } }),
      );
      await Member.insertMany(docs);
      return docs;
    };
    const choices = [[1], [2], [3], [4], [5], [1, 2], [4, 5], [1, 3, 5], [2, 3, 4], [1, 2, 3, 4, 5]];

    const programs: Array<[string, Program]> = [
      ["the default thresholds", DEFAULT_PROGRAM],
      ["unsorted and repeated thresholds", { ...DEFAULT_PROGRAM, rfm: { recencyDays: [180, 30, 365, 90], frequency: [5, 2, 2, 10], monetary: [1_000_000, 50_000, 500_000, 200_000] } }],
    ];
    for (const [label, program] of programs) {
      it(`should select exactly the members whose profile shows the chosen r, f and m scores (${label})`, async () => {
        const docs = await grid();
        const scores = new Map(docs.map((doc) => [doc.memberNo, memberMetrics({ ...doc.metrics } as Parameters<typeof memberMetrics>[0], program, NOW).rfm]));
        for (const dimension of ["r", "f", "m"] as const) {
          for (const chosen of choices) {
            const expected = docs.filter((doc) => chosen.includes(scores.get(doc.memberNo)?.[dimension] ?? -1)).map((doc) => doc.memberNo).sort();
            assert.deepEqual(await matching({ rfm: { [dimension]: chosen } }, program), expected, `${dimension} ∈ ${chosen.join(",")}`);
          }
        }
      });
    }

    it("should treat 30 days as within 30 and 30 days + 1 ms (or 31 days) as not, for windows and silence", async () => {
      const [at30, justOver, at31, never] = [ago(30), ago(30, 1), ago(31), null].map((lastPurchaseAt) => member({ metrics: { lastPurchaseAt, orderCount: lastPurchaseAt ? 1 : 0 } }));
      await Member.insertMany([at30, justOver, at31, never]);
      assert.deepEqual(await matching({ lastPurchaseWithinDays: 30 }), [at30?.memberNo]);
      assert.deepEqual(await matching({ noPurchaseForDays: 30 }), [justOver?.memberNo, at31?.memberNo], "never-buyers are not silent");
      assert.deepEqual(await matching({ lastPurchaseWithinDays: 60, noPurchaseForDays: 30 }), [justOver?.memberNo, at31?.memberNo]);
    });

    it("should match levels (unknown codes count as the lowest, as on the profile), tags, birthdays and lists, and never merged members", async () => {
      const docs = [
        member({ levelCode: "regular", tagIds: ["t_vip", "t_skin"], birthday: "03-08", homeStoreId: "SH01", guideUserIds: ["guide_li"] }),
        member({ levelCode: "gold", tagIds: ["t_vip"], birthday: "1990-03-21", sourceChannel: "jd", groupChatIds: ["wrChat1"] }),
        member({ levelCode: "black", tagIds: ["t_skin"], birthday: "1988-11-02", points: 1200 }),
        member({ levelCode: "retired_level", birthday: null, points: 80 }),
        member({ levelCode: "gold", tagIds: ["t_vip"], birthday: "03-01", mergedInto: new Types.ObjectId() }),
      ];
      await Member.insertMany(docs);
      const [regular, gold, black, unknown] = docs.map((doc) => doc.memberNo);
      assert.deepEqual(await matching({}), [regular, gold, black, unknown]);
      assert.deepEqual(await matching({ levels: ["regular"] }), [regular, unknown]);
      assert.deepEqual(await matching({ minLevel: "gold" }), [gold, black]);
      assert.deepEqual(await matching({ minLevel: "regular" }), [regular, gold, black, unknown]);
      assert.deepEqual(await matching({ minLevel: "removed" }), [], "a level that no longer exists selects nobody");
      assert.deepEqual(await matching({ tags: { any: ["t_vip", "t_skin"], none: ["t_skin"] } }), [gold]);
      assert.deepEqual(await matching({ tags: { all: ["t_vip", "t_skin"] } }), [regular]);
      assert.deepEqual(await matching({ tags: { any: [], all: [] }, levels: [] }), [regular, gold, black, unknown], "empty lists add no condition");
      assert.deepEqual(await matching({ birthdayMonth: [3] }), [regular, gold]);
      assert.deepEqual(await matching({ birthdayMonth: [11, 12] }), [black]);
      assert.deepEqual(await matching({ points: { min: 80, max: 1199 } }), [unknown]);
      assert.deepEqual(await matching({ channels: ["jd"] }), [gold]);
      assert.deepEqual(await matching({ stores: ["SH01"], guides: ["guide_li"] }), [regular]);
      assert.deepEqual(await matching({ groups: ["wrChat1"] }), [gold]);
    });
  });

  describe("HTTP", () => {
    const seed = () =>
      Member.insertMany([
        member({ name: "王芳", levelCode: "gold", growth: 6200, points: 3100, tagIds: ["t_vip"], homeStoreId: "SH01", metrics: { totalSpent: 620_050, orderCount: 12, lastPurchaseAt: new Date("2026-06-01T02:30:00Z") } }),
        member({ name: "李雷", levelCode: "silver", growth: 1500, points: 40, sourceChannel: "jd", birthday: "1992-06-18", guideUserIds: ["guide_li"], metrics: { totalSpent: 150_000, orderCount: 3, lastPurchaseAt: ago(120) } }),
        member({ name: "韩梅梅", sourceChannel: "store", groupChatIds: ["wrChat1"], metrics: { totalSpent: 9_900, orderCount: 1, lastPurchaseAt: ago(400) } }),
        member({ name: "新会员", sourceChannel: "miniprogram" }),
      ]);
    const create = (body: Record<string, unknown>) => consoleSend(context.server, "POST", "/api/console/segments", body);
    const count = async (rule: unknown) => {
      const response = await consoleSend(context.server, "POST", "/api/console/segments/preview", rule);
      assert.equal(response.status, 200, JSON.stringify(response.body));
      return (response.body.data as { count: number }).count;
    };

    it("should preview the live count for every kind of condition", async () => {
      await seed();
      const cases: Array<[SegmentRule, number]> = [
        [{}, 4],
        [{ tags: { any: ["t_vip"] } }, 1],
        [{ levels: ["silver", "gold"] }, 2],
        [{ minLevel: "silver" }, 2],
        [{ points: { min: 100 } }, 1],
        [{ rfm: { r: [5], m: [4] } }, 1],
        [{ rfm: { f: [1] } }, 2],
        [{ spentFen: { min: 9_900, max: 150_000 } }, 2],
        [{ lastPurchaseWithinDays: 30 }, 1],
        [{ noPurchaseForDays: 90 }, 2],
        [{ birthdayMonth: [6] }, 1],
        [{ channels: ["store", "miniprogram"] }, 2],
        [{ stores: ["SH01"] }, 1],
        [{ guides: ["guide_li"] }, 1],
        [{ groups: ["wrChat1"] }, 1],
        [{ channels: ["tmall"], minLevel: "gold", lastPurchaseWithinDays: 30 }, 1],
      ];
      for (const [rule, expected] of cases) {
        assert.equal(await count(rule), expected, JSON.stringify(rule));
      }
    });

    it("should name the field of a bad rule", async () => {
      const refusals: Array<[string, unknown, string]> = [
        ["/api/console/segments/preview", { rfm: { r: [6] } }, "rfm.r.0: must be a score 1–5"],
        ["/api/console/segments/preview", { levels: ["gold", "platinum"] }, 'levels.1: unknown level "platinum"'],
        ["/api/console/segments/preview", { spentFen: { min: 500, max: 100 } }, "spentFen.max: must be ≥ the minimum amount"],
        ["/api/console/segments", { name: "高价值", rule: { rfm: { m: [0] } } }, "rule.rfm.m.0: must be a score 1–5"],
        ["/api/console/segments", { name: "高价值", rule: { levels: ["gold"], minLevel: "silver" } }, "rule.minLevel: use either levels or minLevel, not both"],
        ["/api/console/segments", { rule: {} }, "name: is required"],
      ];
      for (const [path, body, message] of refusals) {
        const response = await consoleSend(context.server, "POST", path, body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.body.message, message);
      }
      const typo = await consoleSend(context.server, "POST", "/api/console/segments/preview", { levle: ["gold"] });
      assert.equal(typo.status, 400, "an unknown key must not silently select everyone");
    });

    it("should save, list, search, count afresh, update and delete segments, refusing duplicate names", async () => {
      await seed();
      const first = await create({ name: "金卡复购", description: "金卡及以上近30天购买", rule: { minLevel: "gold", lastPurchaseWithinDays: 30 } });
      assert.equal(first.status, 201, JSON.stringify(first.body));
      const saved = first.body.data as { id: string; count: number; rule: SegmentRule; createdBy: string };
      assert.deepEqual([saved.count, saved.rule, saved.createdBy], [1, { minLevel: "gold", lastPurchaseWithinDays: 30 }, "api_token"], "saved with its count");
      assert.equal((await create({ name: "全部会员", rule: {} })).status, 201);
      assert.equal((await create({ name: "沉睡会员", rule: { noPurchaseForDays: 90 } })).status, 201);

      const duplicate = await create({ name: "金卡复购", rule: {} });
      assert.equal(duplicate.status, 409);
      assert.equal(duplicate.body.message, "name: 已存在名为「金卡复购」的人群，请换一个名称");

      const listed = await consoleGet(context.server, "/api/console/segments?page=1&pageSize=2");
      assert.deepEqual(listed.body.pagination, { page: 1, pageSize: 2, total: 3 });
      assert.equal((listed.body.data as unknown[]).length, 2);
      const searched = await consoleGet(context.server, `/api/console/segments?q=${encodeURIComponent("会员")}`);
      assert.deepEqual((searched.body.data as Array<{ name: string }>).map((segment) => segment.name).sort(), ["全部会员", "沉睡会员"]);
      assert.equal((await consoleGet(context.server, "/api/console/segments?pageSize=101")).body.message, "pageSize: must be ≤ 100");

      await Member.insertMany([member({ levelCode: "black", metrics: { orderCount: 1, totalSpent: 100, lastPurchaseAt: ago(2) } })]);
      const fresh = await consoleGet(context.server, `/api/console/segments/${saved.id}`);
      assert.equal((fresh.body.data as { count: number }).count, 2, "a fresh count on open");
      const relisted = await consoleGet(context.server, `/api/console/segments?q=${encodeURIComponent("金卡")}`);
      assert.equal((relisted.body.data as Array<{ count: number }>)[0]?.count, 2, "the list shows the last count");

      const updated = await consoleSend(context.server, "PUT", `/api/console/segments/${saved.id}`, { name: "黑金会员", rule: { levels: ["black"] } });
      assert.equal(updated.status, 200, JSON.stringify(updated.body));
      assert.deepEqual((({ name, count, description }) => ({ name, count, description }))(updated.body.data as { name: string; count: number; description: string }), { name: "黑金会员", count: 1, description: "" });
      assert.equal((await consoleSend(context.server, "PUT", `/api/console/segments/${saved.id}`, { name: "全部会员", rule: {} })).status, 409);
      assert.equal((await consoleSend(context.server, "PUT", `/api/console/segments/${new Types.ObjectId()}`, { name: "x", rule: {} })).status, 404);

      assert.equal((await remove(`/api/console/segments/${saved.id}`)).status, 200);
      assert.equal((await remove(`/api/console/segments/${saved.id}`)).status, 404);
      assert.equal((await consoleGet(context.server, `/api/console/segments/${saved.id}`)).status, 404);
      assert.equal((await consoleGet(context.server, "/api/console/segments/not-an-id")).body.message, "id: must be a segment id");
    });

    it("should page through a segment's members as profiles, and give later features the same filter", async () => {
      await Member.insertMany(Array.from({ length: 25 }, (_, index) => member({ levelCode: index % 5 === 0 ? "regular" : "silver", growth: 1000 + index })));
      const id = ((await create({ name: "银卡", rule: { levels: ["silver"] } })).body.data as { id: string }).id;
      const pages = await Promise.all([1, 2, 3].map((page) => consoleGet(context.server, `/api/console/segments/${id}/members?page=${page}&pageSize=8`)));
      assert.deepEqual(pages.map((page) => (page.body.data as unknown[]).length), [8, 8, 4]);
      assert.deepEqual(pages[0]?.body.pagination, { page: 1, pageSize: 8, total: 20 });
      const members = pages.flatMap((page) => page.body.data as Array<{ memberNo: string; phone: string; level: { code: string }; metrics: { rfm: unknown } }>);
      assert.equal(new Set(members.map((profile) => profile.memberNo)).size, 20, "no member on two pages");
      assert.ok(members.every((profile) => profile.level.code === "silver" && /^138\*{4}\d{4}$/.test(profile.phone) && profile.metrics.rfm));
      assert.equal(await Member.countDocuments(await segmentMemberFilter(id, NOW)), 20);
    });

    it("should export the members to an .xlsx named after the segment", async () => {
      await seed();
      const id = ((await create({ name: "高价值/复购", rule: { spentFen: { min: 100_000 } } })).body.data as { id: string }).id;
      const response = await fetch(`${context.server.url}/api/console/segments/${id}/export`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      const disposition = response.headers.get("content-disposition") ?? "";
      assert.match(disposition, /^attachment; filename="[\x20-\x7e]+"; filename\*=UTF-8''[A-Za-z0-9%!#$&+.^_`|~-]+$/);
      assert.equal(decodeURIComponent(disposition.split("UTF-8''")[1] ?? ""), "人群-高价值_复购-2026-06-15.xlsx");

      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await response.arrayBuffer());
      const sheet = workbook.worksheets[0];
      const cells = (row: number) => Array.from({ length: 11 }, (_, index) => sheet?.getRow(row).getCell(index + 1).value ?? null);
      const no = (offset: number) => String(serial - offset).padStart(8, "0");
      assert.deepEqual(cells(1), ["会员号", "姓名", "手机号(脱敏)", "等级", "成长值", "积分", "累计消费(元)", "订单数", "最近购买", "来源渠道", "门店"]);
      assert.equal(sheet?.rowCount, 3, "the header and the two members who spent ≥ ¥1,000");
      // Money in yuan; the last purchase as Beijing wall-clock time (10:30 for 02:30 UTC).
      assert.deepEqual(cells(2), [`M${no(3)}`, "王芳", `138****${no(3).slice(-4)}`, "金卡会员", 6200, 3100, 6200.5, 12, new Date("2026-06-01T10:30:00Z"), "天猫", "SH01"]);
      assert.deepEqual(cells(3), [`M${no(2)}`, "李雷", `138****${no(2).slice(-4)}`, "银卡会员", 1500, 40, 1500, 3, new Date(ago(120).getTime() + 8 * 3_600_000), "京东", null]);
      assert.equal(sheet?.getRow(2).getCell(7).numFmt, "0.00");
    });

    it("should stream a large export completely", async () => {
      await Member.insertMany(Array.from({ length: 3000 }, (_, index) => member({ points: index, metrics: { totalSpent: index * 100, orderCount: 1, lastPurchaseAt: ago(index % 400) } })));
      const id = ((await create({ name: "全部", rule: {} })).body.data as { id: string }).id;
      const response = await fetch(`${context.server.url}/api/console/segments/${id}/export`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(await response.arrayBuffer());
      const sheet = workbook.worksheets[0];
      assert.equal(sheet?.rowCount, 3001);
      assert.equal(sheet?.getRow(3001).getCell(6).value, 2999);

      // A cancelled download stops the export without taking the server down.
      const controller = new AbortController();
      const cancelled = await fetch(`${context.server.url}/api/console/segments/${id}/export`, { headers: { authorization: `Bearer ${API_TOKEN}` }, signal: controller.signal });
      await cancelled.body?.getReader().read();
      controller.abort();
      assert.equal((await consoleSend(context.server, "POST", "/api/console/segments/preview", {})).status, 200);
    });
  });
});
