// A guide's tasks on the sandbox page (任务与消息): the morning digest among their app messages,
// texting the app "任务" and reading its passive reply, and their task list in the real sidebar
// beside it. Screenshot: docs/screenshots/sandbox-guide-tasks.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { buildFrontend } from "../../scripts/build-frontend.mjs";
import sendTaskDigests from "../../server/commands/taskDigest.ts";
import { Customer } from "../../server/models/Customer.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { SANDBOX_AGENT_ID, SANDBOX_AGENT_SECRET, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "../../server/sandbox/config.ts";
import { GUIDES } from "../../server/sandbox/demoData.ts";
import { waitFor } from "../../server/utils/async.ts";
import { WeComClient } from "../../server/wecom/client.ts";
import { startSandboxServer, type SandboxServer } from "../sandbox/sandboxServer.ts";
import { byTest, FRONTEND_DIR, ROOT } from "../support/browser.ts";
import { resetDatabase } from "../support/hooks.ts";
import { JourneyPages } from "../support/journeyPages.ts";
import { aTask } from "../guideTasks/support.ts";

const GUIDE = GUIDES[0]!.userid;

describe("a guide's tasks on the sandbox page (任务与消息)", function () {
  this.timeout(300_000);
  let sandbox: SandboxServer;
  const pages = new JourneyPages("sandbox-tasks");

  before(async function () {
    this.timeout(300_000);
    buildFrontend({ quiet: true });
    await resetDatabase();
    sandbox = await startSandboxServer({ frontendDir: FRONTEND_DIR });
    await pages.launch();
  });
  after(async () => {
    await pages.close();
    await sandbox?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === "failed") {
      await pages.reportFailure();
    }
  });

  it("should show the digest, answer 任务 with the task list, and show the list in the real sidebar", async () => {
    const base = sandbox.server.url;
    assert.equal((await fetch(`${base}/sandbox/api/seed`, { method: "POST" })).status, 200);
    await sandbox.settle();
    assert.ok(await waitFor(async () => (await Employee.countDocuments({ userId: GUIDE })) === 1, { timeoutMs: 30_000, intervalMs: 50 }));
    // Two of the guide's customers with a task each, as the morning's generation leaves them.
    for (const [externalUserId, name] of [["wmSandboxTask1", "周女士"], ["wmSandboxTask2", "吴先生"]] as const) {
      await Customer.create({ externalUserId, name, wecomType: 1 });
      await Follow.create({ externalUserId, userId: GUIDE, addWay: 1, addedAt: new Date(), status: "active" });
    }
    await aTask({ kind: "birthday", userId: GUIDE, externalUserId: "wmSandboxTask1", dueAt: new Date(Date.now() + 6 * 3_600_000), title: "今天生日", suggestion: "周女士生日快乐！" });
    await aTask({ kind: "silent", userId: GUIDE, externalUserId: "wmSandboxTask2", dueAt: new Date(Date.now() - 6 * 3_600_000), title: "90 天没有购买" });
    const wecom = new WeComClient({ baseUrl: sandbox.wecomApiBase, corpId: SANDBOX_CORP_ID, secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    assert.equal((await sendTaskDigests({ wecom, agentId: String(SANDBOX_AGENT_ID), url: `${base}/sidebar/tasks`, now: new Date() })).sent, 1);

    const page = await pages.newPage(1440, 900);
    await page.goto(`${base}/sandbox/`);
    await byTest(page, "guide-select").selectOption(GUIDE);
    await byTest(page, "guide-view-tasks").click();
    await byTest(page, "guide-app-message").filter({ hasText: "今日任务：2 项待办" }).waitFor();

    await byTest(page, "app-text-send").click();
    await byTest(page, "app-text-reply").waitFor();
    assert.match(await byTest(page, "app-text-reply").innerText(), /^您有 2 项待办任务，其中逾期 1 项：生日关怀 1、沉默召回 1\n\n1\. 吴先生：90 天没有购买（已逾期）\n2\. 周女士：今天生日/);

    const frame = page.frameLocator('[data-test="tasks-frame"]');
    await frame.locator('[data-test="task-customer"]', { hasText: "周女士" }).waitFor();
    await frame.locator('[data-test="tasks-tab-overdue"]').filter({ hasText: /1/ }).waitFor();
    fs.mkdirSync(path.join(ROOT, "docs", "screenshots"), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, "docs", "screenshots", "sandbox-guide-tasks.png") });
    assert.deepEqual(pages.errors, []);
  });
});
