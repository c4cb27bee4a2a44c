import assert from "node:assert/strict";
import { readMomentMix } from "../../server/commands/momentMix.ts";
import { chinaMonth } from "../../server/domain/momentRules.ts";
import { CampaignGuide } from "../../server/models/CampaignGuide.ts";
import { Moment } from "../../server/models/Moment.ts";
import { runDemo } from "../../server/sandbox/demo/run.ts";
import { resetDatabase } from "../support/hooks.ts";
import { startSandboxServer, type SandboxServer } from "../sandbox/sandboxServer.ts";

describe("the demo's moments", function () {
  this.timeout(240_000);
  let sandbox: SandboxServer;

  before(async () => {
    sandbox = await startSandboxServer();
    await resetDatabase();
  });
  after(() => sandbox.close());

  it("should plan two months, send the past ones with a spread of who published, warn on last month's ads, and add nothing on a second run", async () => {
    const now = new Date();
    await runDemo({ callbackUrl: sandbox.server.url, customers: 60, orders: 60, wecomApiBase: sandbox.wecomApiBase });
    const moments = await Moment.find({}).lean();
    assert.equal(moments.length, 21);
    const past = moments.filter((moment) => moment.scheduledAt.getTime() <= now.getTime());
    assert.ok(past.length >= 9, `past: ${past.length}`);
    assert.ok(past.every((moment) => moment.status === "sent"), JSON.stringify(past.map((moment) => [moment.status, moment.failReason])));
    assert.ok(moments.filter((moment) => moment.scheduledAt.getTime() > now.getTime() + 60_000).every((moment) => moment.status === "scheduled"));
    const guides = await CampaignGuide.find({ kind: "moment" }).lean();
    const done = guides.filter((guide) => guide.state === "done").length;
    assert.ok(done > 0 && done < guides.length, `done ${done} of ${guides.length}: some published, some not`);
    assert.ok(past.some((moment) => moment.totals.likes > 0), "likes recorded");
    const [year, month] = chinaMonth(now).split("-").map(Number) as [number, number];
    const last = new Date(Date.UTC(year, month - 2, 1)).toISOString().slice(0, 7);
    const mix = await readMomentMix(last);
    assert.deepEqual(mix.counts, { care: 6, service: 2, ads: 1 });
    assert.equal(mix.warnings.length, 2, "last month's ads are slightly over 10%");
    await runDemo({ callbackUrl: sandbox.server.url, customers: 60, orders: 60, wecomApiBase: sandbox.wecomApiBase });
    assert.equal(await Moment.countDocuments(), 21);
  });
});
