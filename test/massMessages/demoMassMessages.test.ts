import assert from "node:assert/strict";
import { CampaignGuide } from "../../server/models/CampaignGuide.ts";
import { MassMessage } from "../../server/models/MassMessage.ts";
import { runDemo } from "../../server/sandbox/demo/run.ts";
import { resetDatabase } from "../support/hooks.ts";
import { startSandboxServer, type SandboxServer } from "../sandbox/sandboxServer.ts";

describe("the demo's mass messages", function () {
  this.timeout(240_000);
  let sandbox: SandboxServer;

  before(async () => {
    sandbox = await startSandboxServer();
    await resetDatabase();
  });
  after(() => sandbox.close());

  it("should send one to a segment and one to groups through the stand-in, schedule one, and add nothing on a second run", async () => {
    await runDemo({ callbackUrl: sandbox.server.url, customers: 60, orders: 60, wecomApiBase: sandbox.wecomApiBase });
    const campaigns = await MassMessage.find({}).sort({ createdAt: 1 }).lean();
    assert.deepEqual(campaigns.map((campaign) => [campaign.audience.kind, campaign.status]), [["segment", "sent"], ["groups", "sent"], ["segment", "scheduled"]], JSON.stringify(campaigns.map((campaign) => campaign.failReason)));
    const segment = campaigns[0];
    assert.ok((segment?.progress?.tasksCreated ?? 0) > 0);
    // A day on, the sandbox guides' habits: some sent (delivered), some never will.
    assert.ok((segment?.totals?.delivered ?? 0) > 0, JSON.stringify(segment?.totals));
    const guides = await CampaignGuide.find({ kind: "mass", campaignId: String(segment?._id) }).lean();
    assert.ok(guides.some((guide) => guide.state === "done"), "someone sent");
    await runDemo({ callbackUrl: sandbox.server.url, customers: 60, orders: 60, wecomApiBase: sandbox.wecomApiBase });
    assert.equal(await MassMessage.countDocuments(), 3);
  });
});
