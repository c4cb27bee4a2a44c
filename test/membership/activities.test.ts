import assert from "node:assert/strict";
import { LedgerEntry } from "../../server/models/LedgerEntry.ts";
import { Member } from "../../server/models/Member.ts";
import { consoleSend, useTestServer } from "../support/server.ts";

describe("growth and points for tasks and sign-ins", () => {
  const context = useTestServer();

  async function memberWithOrder(phone: string, orderNo: string, amount: number): Promise<string> {
    const created = await consoleSend(context.server, "POST", "/api/console/orders", { channel: "store", orderNo, amount, paidAt: new Date().toISOString(), member: { phone } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return (created.body.data as { memberNo: string }).memberNo;
  }
  const activity = (memberNo: string, body: unknown) => consoleSend(context.server, "POST", `/api/console/members/${memberNo}/activities`, body);

  it("should credit a task once per member at the programme's rates, and upgrade when it crosses a threshold", async () => {
    const memberNo = await memberWithOrder("13700000001", "A1", 99_500);
    const first = await activity(memberNo, { kind: "task", taskId: "profile-completed" });
    assert.equal(first.status, 201);
    assert.deepEqual(first.body.data, { growth: 10, points: 10, replayed: false, upgradedTo: "silver" });
    const replay = await activity(memberNo, { kind: "task", taskId: "profile-completed" });
    assert.equal(replay.status, 200);
    assert.deepEqual(replay.body.data, { growth: 0, points: 0, replayed: true, upgradedTo: null });
    const member = await Member.findOne({ memberNo }).lean();
    assert.deepEqual([member?.growth, member?.points, member?.levelCode], [1005, 1005, "silver"]);
    // The same task id is another member's own task.
    const other = await memberWithOrder("13700000002", "A2", 1000);
    assert.equal((await activity(other, { kind: "task", taskId: "profile-completed" })).status, 201);
  });

  it("should count one sign-in a day, growth only", async () => {
    const memberNo = await memberWithOrder("13700000003", "A3", 1000);
    assert.deepEqual((await activity(memberNo, { kind: "sign_in" })).body.data, { growth: 1, points: 0, replayed: false, upgradedTo: null });
    const again = await activity(memberNo, { kind: "sign_in" });
    assert.equal((again.body.data as { replayed: boolean }).replayed, true);
    assert.equal(await LedgerEntry.countDocuments({ account: "growth", reason: "sign_in" }), 1);
  });

  it("should name the field of a bad activity and change nothing", async () => {
    const memberNo = await memberWithOrder("13700000004", "A4", 1000);
    const bad = await activity(memberNo, { kind: "task", taskId: "has spaces" });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message as string, /^taskId: /);
    const unknown = await activity(memberNo, { kind: "birthday" });
    assert.equal(unknown.status, 400);
    assert.match(unknown.body.message as string, /^kind: /);
    assert.equal(await LedgerEntry.countDocuments({ reason: { $in: ["task", "sign_in"] } }), 0);
  });
});
