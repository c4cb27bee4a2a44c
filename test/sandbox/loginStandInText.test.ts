import assert from "node:assert/strict";
import { Employee } from "../../server/models/Employee.ts";
import { seedCorp } from "../../server/sandbox/actions/seed.ts";
import { resetDatabase } from "../support/hooks.ts";
import { startSandboxServer, type SandboxServer } from "./sandboxServer.ts";

describe("the sandbox's login stand-in page", function () {
  this.timeout(60_000);
  let sandbox: SandboxServer;

  before(async () => {
    sandbox = await startSandboxServer();
  });
  after(() => sandbox.close());
  beforeEach(async () => {
    await resetDatabase();
    await seedCorp({ callbackUrl: sandbox.server.url, now: () => new Date() });
    await sandbox.settle();
  });

  async function chooser(mode: "oauth" | "qr"): Promise<string> {
    const start = await fetch(`${sandbox.server.url}/api/auth/wecom/start?mode=${mode}&returnTo=/console/`, { redirect: "manual" });
    const page = await fetch(`${sandbox.server.url}${(start.headers.get("location") ?? "").replace(/#.*$/, "")}`, { redirect: "manual" });
    assert.equal(page.status, 200);
    return page.text();
  }

  it("should name the corp 沙盒美妆 and say on the console's QR login that the first login becomes admin", async () => {
    const html = await chooser("qr");
    assert.match(html, /选择以哪位成员身份登录（沙盒美妆）/);
    assert.doesNotMatch(html, /Sandbox Retail/);
    assert.match(html, /还没有管理员：第一位在此登录管理后台的成员将成为管理员/);
  });

  it("should not promise admin once there is one, nor on the sidebar's login", async () => {
    assert.doesNotMatch(await chooser("oauth"), /将成为管理员/);
    await Employee.updateOne({}, { $set: { role: "admin" } });
    assert.doesNotMatch(await chooser("qr"), /将成为管理员/);
  });
});
