import assert from "node:assert/strict";
import { DEFAULT_PROGRAM } from "../../server/domain/program.ts";
import { Employee } from "../../server/models/Employee.ts";
import { LedgerEntry } from "../../server/models/LedgerEntry.ts";
import { Member } from "../../server/models/Member.ts";
import { ProgramSettings } from "../../server/models/ProgramSettings.ts";
import { consoleGet, useTestServer } from "../support/server.ts";

describe("names, not ids, in the console's member and programme answers", () => {
  const context = useTestServer();

  it("should name who saved each programme version", async () => {
    await Employee.create({ userId: "linfang", name: "林芳", departmentIds: [1], role: "operator" });
    await ProgramSettings.create([
      { _id: 1, program: DEFAULT_PROGRAM, savedBy: "linfang", savedAt: new Date("2026-01-01T00:00:00Z") },
      { _id: 2, program: DEFAULT_PROGRAM, savedBy: "api_token", savedAt: new Date("2026-01-02T00:00:00Z") },
      { _id: 3, program: DEFAULT_PROGRAM, savedBy: "gone", savedAt: new Date("2026-01-03T00:00:00Z") },
    ]);
    const history = await consoleGet(context.server, "/api/console/program/history");
    assert.deepEqual(
      (history.body.data as { version: number; savedBy: string; savedByName: string }[]).map((entry) => [entry.version, entry.savedBy, entry.savedByName]),
      [
        [3, "gone", "gone"],
        [2, "api_token", "API 令牌"],
        [1, "linfang", "林芳"],
      ],
    );
  });

  it("should say where each ledger entry came from in words", async () => {
    const member = await Member.create({ memberNo: "M00000001", levelCode: "regular" });
    const entry = (sourceId: string, reason: string, minutes: number) => ({ _id: `points:${sourceId}`, account: "points" as const, memberId: member._id, delta: 10, reason, sourceId, at: new Date(Date.UTC(2026, 0, 1, 0, minutes)) });
    await LedgerEntry.create([
      entry("order:store:SB20260101001", "order", 1),
      entry("refund:tmall:T100:500", "refund", 2),
      entry("spend:spend_abc", "兑换礼品", 3),
      entry("sign_in:x:2026-01-01", "sign_in", 4),
    ]);
    const ledger = await consoleGet(context.server, "/api/console/members/M00000001/ledger?account=points");
    assert.deepEqual(
      (ledger.body.data as { source: string }[]).map((row) => row.source),
      ["签到", "积分消耗", "退款 T100 · 天猫", "订单 SB20260101001 · 门店"],
    );
  });
});
