// The sandbox's side of guides' tasks: a sandbox employee texts the app "任务" and reads the
// product's passive reply, and the morning digest lands among the guide's app messages.
import assert from "node:assert/strict";
import sendTaskDigests from "../../server/commands/taskDigest.ts";
import { SANDBOX_AGENT_ID, SANDBOX_AGENT_SECRET, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "../../server/sandbox/config.ts";
import { SandboxUser } from "../../server/sandbox/models/index.ts";
import { WeComClient } from "../../server/wecom/client.ts";
import { startSandboxServer, type SandboxServer } from "../sandbox/sandboxServer.ts";
import { aCustomerWithFollow, anEmployee } from "../support/factories.ts";
import { resetDatabase } from "../support/hooks.ts";
import { aTask } from "./support.ts";

describe("sandbox: a guide's tasks reach them as WeCom would (the app's reply to 任务, the morning digest)", () => {
  let sandbox: SandboxServer;

  before(async () => {
    sandbox = await startSandboxServer();
  });
  after(() => sandbox.close());

  const call = async (method: "GET" | "POST", path: string, body?: unknown) => {
    const response = await fetch(`${sandbox.server.url}/sandbox/api${path}`, { method, headers: body === undefined ? {} : { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as { data?: unknown; message?: string } };
  };

  beforeEach(async () => {
    await resetDatabase();
    await SandboxUser.create([{ userid: "liting", name: "李婷", status: 1 }]);
    await anEmployee("liting", { name: "李婷", departmentIds: [101] });
    await aCustomerWithFollow("wmA", "liting", { name: "王小姐" });
    await aTask({ kind: "birthday", userId: "liting", externalUserId: "wmA", dueAt: new Date(Date.now() + 3_600_000), title: "今天生日" });
  });

  it("should show the app's passive reply to 任务, and nothing for other texts", async () => {
    const asked = await call("POST", "/app-text", { userid: "liting", text: "任务" });
    assert.equal(asked.status, 200, JSON.stringify(asked.body));
    const reply = (asked.body.data as { reply: string | null }).reply;
    assert.match(reply ?? "", /^您有 1 项待办任务：生日关怀 1\n\n1\. 王小姐：今天生日\n/);
    const other = await call("POST", "/app-text", { userid: "liting", text: "你好" });
    assert.deepEqual(other.body.data, { reply: null });
    const nobody = await call("POST", "/app-text", { userid: "ghost", text: "任务" });
    assert.equal(nobody.status, 404);
    const empty = await call("POST", "/app-text", { userid: "liting", text: " " });
    assert.equal(empty.status, 400);
    assert.equal(empty.body.message, "text: 请输入要发给应用的消息");
  });

  it("should list the morning digest among the guide's app messages, with its link", async () => {
    const wecom = new WeComClient({ baseUrl: sandbox.wecomApiBase, corpId: SANDBOX_CORP_ID, secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    const outcome = await sendTaskDigests({ wecom, agentId: String(SANDBOX_AGENT_ID), url: `${sandbox.server.url}/sidebar/tasks`, now: new Date() });
    assert.equal(outcome.sent, 1);
    const tasks = (await call("GET", "/guide-tasks?userid=liting")).body.data as { appMessages: { title: string; description: string; url: string }[] };
    assert.deepEqual(tasks.appMessages.map((message) => [message.title, message.url]), [["今日任务：1 项待办", `${sandbox.server.url}/sidebar/tasks`]]);
    assert.match(tasks.appMessages[0]?.description ?? "", /^生日关怀 1\n/);
  });
});
