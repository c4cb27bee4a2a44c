// A guide's tasks on the sandbox page (任务与消息): the morning digest among their app messages,
// texting the app "任务" and reading its passive reply, their task list in the real sidebar beside
// it, and a task opening the customer's chat where its message is sent. Screenshot: docs/screenshots/sandbox-guide-tasks.png.
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { buildFrontend } from "../../scripts/build-frontend.mjs";
import sendTaskDigests from "../../server/commands/taskDigest.ts";
import { Customer } from "../../server/models/Customer.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Task } from "../../server/models/Task.ts";
import { SANDBOX_AGENT_ID, SANDBOX_AGENT_SECRET, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "../../server/sandbox/config.ts";
import { waitFor } from "../../server/utils/async.ts";
import { WeComClient } from "../../server/wecom/client.ts";
import { startSandboxServer, type SandboxServer } from "../sandbox/sandboxServer.ts";
import { byTest, FRONTEND_DIR, ROOT } from "../support/browser.ts";
import { resetDatabase } from "../support/hooks.ts";
import { JourneyPages } from "../support/journeyPages.ts";
import { aTask } from "../guideTasks/support.ts";


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
    // 周女士 adds a guide through a channel code (the product learns her by its callback); 吴先生 is
    // another of the guide's customers. A task each, as the morning's generation leaves them.
    const state = (await (await fetch(`${base}/sandbox/api/state`)).json()) as { data: { contactWays: { config_id: string; user: string[] }[] } };
    const single = state.data.contactWays.find((way) => way.user.length === 1) ?? state.data.contactWays[0]!;
    const scanned = (await (await fetch(`${base}/sandbox/api/scan`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ configId: single.config_id, name: "周女士" }) })).json()) as { data: { external_userid: string; userid: string } };
    const { external_userid: zhou, userid: GUIDE } = scanned.data;
    await sandbox.settle();
    assert.ok(await waitFor(async () => (await Follow.countDocuments({ externalUserId: zhou, userId: GUIDE })) === 1 && (await Employee.countDocuments({ userId: GUIDE })) === 1, { timeoutMs: 30_000, intervalMs: 50 }));
    await Customer.create({ externalUserId: "wmSandboxTask2", name: "吴先生", wecomType: 1 });
    await Follow.create({ externalUserId: "wmSandboxTask2", userId: GUIDE, addWay: 1, addedAt: new Date(), status: "active" });
    await aTask({ kind: "birthday", userId: GUIDE, externalUserId: zhou, dueAt: new Date(Date.now() + 6 * 3_600_000), title: "今天生日", suggestion: "周女士生日快乐！" });
    await aTask({ kind: "silent", userId: GUIDE, externalUserId: "wmSandboxTask2", dueAt: new Date(Date.now() - 6 * 3_600_000), title: "90 天没有购买" });
    const wecom = new WeComClient({ baseUrl: sandbox.wecomApiBase, corpId: SANDBOX_CORP_ID, secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    assert.equal((await sendTaskDigests({ wecom, agentId: String(SANDBOX_AGENT_ID), url: `${base}/sidebar/tasks`, now: new Date() })).sent, 1);

    const page = await pages.newPage(1440, 900);
    await page.goto(`${base}/sandbox/`);
    await byTest(page, "guide-select").selectOption(GUIDE);
    await byTest(page, "guide-view-tasks").click();
    // Adding her made the engine's greeting task too: three in all.
    await byTest(page, "guide-app-message").filter({ hasText: "今日任务：3 项待办" }).waitFor();
    assert.match(await byTest(page, "guide-app-message").innerText(), /新客问候 1、生日关怀 1、沉默召回 1\n其中 1 项已逾期/);

    await byTest(page, "app-text-send").click();
    await byTest(page, "app-text-reply").waitFor();
    assert.match(await byTest(page, "app-text-reply").innerText(), /^您有 3 项待办任务，其中逾期 1 项：新客问候 1、生日关怀 1、沉默召回 1\n\n1\. 吴先生：90 天没有购买（已逾期）\n/);
    assert.match(await byTest(page, "app-text-reply").innerText(), /周女士：今天生日/);

    const frame = page.frameLocator('[data-test="tasks-frame"]');
    await frame.locator('[data-test="task-title"]', { hasText: "今天生日" }).waitFor();
    await frame.locator('[data-test="tasks-tab-overdue"]').filter({ hasText: /1/ }).waitFor();
    fs.mkdirSync(path.join(ROOT, "docs", "screenshots"), { recursive: true });
    await page.screenshot({ path: path.join(ROOT, "docs", "screenshots", "sandbox-guide-tasks.png") });

    // Tapping her task opens her chat in the guide's window, whose sidebar has the message ready.
    await frame.locator('[data-test="task-card"]', { hasText: "今天生日" }).click();
    const chat = page.frameLocator('[data-test="sidebar-frame"]');
    const birthday = chat.locator('[data-test="customer-task"]', { hasText: "今天生日" });
    await birthday.locator('[data-test="task-suggestion"]', { hasText: "周女士生日快乐！" }).waitFor();
    await birthday.locator('[data-test="task-send"]').click();
    await birthday.waitFor({ state: "detached" });
    assert.deepEqual(await Task.find({ externalUserId: zhou, kind: "birthday" }).lean().then((tasks) => tasks.map((task) => [task.state, task.result])), [["done", "sent"]]);
    // The message is in her chat on the sandbox page too.
    await page.getByText("周女士生日快乐！").first().waitFor();
    assert.deepEqual(pages.errors, []);
  });
});
