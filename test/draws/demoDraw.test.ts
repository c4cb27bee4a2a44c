import assert from "node:assert/strict";
import { DrawQuota } from "../../server/models/DrawQuota.ts";
import { DrawRecord } from "../../server/models/DrawRecord.ts";
import { DrawWin } from "../../server/models/DrawWin.ts";
import { LuckyDraw } from "../../server/models/LuckyDraw.ts";
import { runDemo } from "../../server/sandbox/demo/run.ts";
import { resetDatabase } from "../support/hooks.ts";
import { startSandboxServer, type SandboxServer } from "../sandbox/sandboxServer.ts";

describe("the demo's lucky draw", function () {
  this.timeout(180_000);
  let sandbox: SandboxServer;

  before(async () => {
    sandbox = await startSandboxServer();
    await resetDatabase();
  });
  after(() => sandbox.close());

  it("should leave a running draw with participants and winners, and a second run draw nothing more", async () => {
    await runDemo({ callbackUrl: sandbox.server.url, customers: 300, orders: 300 });
    const draw = await LuckyDraw.findOne({ slug: "demo-new-year" }).lean();
    assert.equal(draw?.status, "active");
    const participants = await DrawQuota.countDocuments({ drawId: draw?._id });
    const draws = await DrawRecord.countDocuments({ drawId: draw?._id });
    const wins = await DrawWin.countDocuments({ drawId: draw?._id });
    assert.ok(participants >= 5, `participants: ${participants}`);
    assert.ok(draws >= participants && wins > 0, `draws ${draws}, wins ${wins}`);
    await runDemo({ callbackUrl: sandbox.server.url, customers: 300, orders: 300 });
    assert.equal(await DrawRecord.countDocuments({ drawId: draw?._id }), draws);
    assert.equal(await DrawWin.countDocuments({ drawId: draw?._id }), wins);
    assert.equal(await LuckyDraw.countDocuments({ slug: "demo-new-year" }), 1);
  });
});
