import assert from "node:assert/strict";
import type { Db } from "mongodb";
import mongoose from "mongoose";
import { DEFAULT_PROGRAM, type Program } from "../../server/domain/program.ts";
import { startScheduler, type Scheduler } from "../../server/jobs/scheduler.ts";
import { LedgerEntry } from "../../server/models/LedgerEntry.ts";
import { consoleGet, consoleSend, testWeComClient, useTestServer } from "../support/server.ts";

const T0 = new Date("2026-01-10T02:00:00Z");
const at = (months: number, days = 0) => {
  const date = new Date(T0);
  date.setUTCMonth(date.getUTCMonth() + months);
  return new Date(date.getTime() + days * 86_400_000);
};

interface Profile {
  memberNo: string;
  level: { code: string; validUntil: string | null };
  growth: number;
}

describe("level validity, upgrades and the daily EvaluateLevelsJob", () => {
  let clock = T0;
  const context = useTestServer({ now: () => clock });
  let scheduler: Scheduler;

  beforeEach(async () => {
    clock = T0;
    scheduler = await startScheduler(mongoose.connection.db as Db, { wecom: testWeComClient(), now: () => clock }, { processEvery: 100 });
  });
  afterEach(async () => {
    await scheduler.stop();
  });

  /** Run the job through Agenda, as the daily schedule would, and wait for it to complete. */
  const runJob = () => scheduler.runNow("EvaluateLevelsJob");
  const saveProgram = async (onExpiry: Program["levelValidity"]["onExpiry"]) => {
    const saved = await consoleSend(context.server, "PUT", "/api/console/program", { ...DEFAULT_PROGRAM, levelValidity: { months: 12, onExpiry } });
    assert.equal(saved.status, 200);
  };
  const buy = async (orderNo: string, yuan: number) => {
    const response = await consoleSend(context.server, "POST", "/api/console/orders", {
      channel: "store",
      orderNo,
      amount: yuan * 100,
      paidAt: clock.toISOString(),
      member: { phone: "13900139000" },
    });
    assert.ok([200, 201].includes(response.status), JSON.stringify(response.body));
    return (response.body.data as { memberNo: string }).memberNo;
  };
  const profile = async (memberNo: string) => (await consoleGet(context.server, `/api/console/members/${memberNo}`)).body.data as Profile;

  it("should register the job on its daily schedule", async () => {
    const jobs = await mongoose.connection.db?.collection("agenda_jobs").find({ name: "EvaluateLevelsJob", type: "single" }).toArray();
    assert.equal(jobs?.length, 1);
    assert.equal(jobs?.[0]?.repeatInterval, "0 19 * * *");
  });

  it("should upgrade when an order crosses a threshold, keep the level while valid, and downgrade one level after", async () => {
    await saveProgram("downgrade_one");
    const memberNo = await buy("A1", 6000);
    let member = await profile(memberNo);
    assert.deepEqual([member.level.code, member.growth, member.level.validUntil], ["gold", 6000, at(12).toISOString()]);

    clock = at(11, 29);
    await runJob();
    assert.equal((await profile(memberNo)).level.code, "gold");

    clock = at(12, 1);
    await runJob();
    member = await profile(memberNo);
    assert.deepEqual([member.level.code, member.growth], ["silver", 1000]);
    assert.equal(member.level.validUntil, at(24, 1).toISOString());

    // A small order does not restore the old level: growth restarts from the silver threshold.
    await buy("A2", 100);
    member = await profile(memberNo);
    assert.deepEqual([member.level.code, member.growth], ["silver", 1100]);

    // Running the job again the same day changes nothing (idempotent).
    await runJob();
    assert.deepEqual([(await profile(memberNo)).level.code, (await profile(memberNo)).growth], ["silver", 1100]);
  });

  it("should re-evaluate by the growth earned within the window, and upgrade again across the boundary", async () => {
    await saveProgram("reevaluate");
    const memberNo = await buy("B1", 6000);
    clock = at(6);
    await buy("B2", 1500);

    clock = at(12, 1);
    await runJob();
    let member = await profile(memberNo);
    assert.deepEqual([member.level.code, member.growth], ["silver", 1500]);
    assert.equal(await LedgerEntry.countDocuments({ reason: "level_expiry" }), 1);

    clock = at(12, 2);
    await buy("B3", 4000);
    member = await profile(memberNo);
    assert.deepEqual([member.level.code, member.growth], ["gold", 5500]);
    assert.equal(member.level.validUntil, at(24, 2).toISOString());
  });

  it("should renew the level when the program keeps levels", async () => {
    await saveProgram("keep");
    const memberNo = await buy("C1", 1200);
    clock = at(12, 1);
    await runJob();
    const member = await profile(memberNo);
    assert.deepEqual([member.level.code, member.growth, member.level.validUntil], ["silver", 1200, at(24, 1).toISOString()]);
  });
});
