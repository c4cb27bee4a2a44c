import assert from "node:assert/strict";
import { SANDBOX_AGENT_SECRET, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "../../server/sandbox/config.ts";
import { SandboxMassMessage } from "../../server/sandbox/models/index.ts";
import type { WeComApiError } from "../../server/errors.ts";
import { WeComClient } from "../../server/wecom/client.ts";
import { resetDatabase } from "../support/hooks.ts";
import { startSandboxServer, type SandboxServer } from "../sandbox/sandboxServer.ts";

const unix = (at: Date) => Math.floor(at.getTime() / 1000);
const API = "/cgi-bin/externalcontact";

describe("sandbox stand-in: mass message follow-up (get_groupmsg_list_v2, task, send_result, remind, cancel)", () => {
  let sandbox: SandboxServer;
  let wecom: WeComClient;
  before(async () => {
    sandbox = await startSandboxServer();
    wecom = new WeComClient({ baseUrl: sandbox.wecomApiBase, corpId: SANDBOX_CORP_ID, secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 2 } });
  });
  after(() => sandbox.close());

  beforeEach(async () => {
    await resetDatabase();
    const now = unix(new Date());
    const customers = Array.from({ length: 60 }, (_, n) => `wm-${n}`);
    await SandboxMassMessage.create([
      { msgid: "msg-sent", sender: "liting", text: "冬季护理券", external_userid: customers, fail_list: ["wm-gone"], create_time: now - 3600, send_time: now - 60 },
      { msgid: "msg-waiting", sender: "wangfang", text: "冬季护理券", external_userid: ["wm-a"], create_time: now - 60, send_time: 0 },
    ]);
  });

  const errcodeOf = async (call: Promise<unknown>) => {
    try {
      await call;
      return 0;
    } catch (error) {
      return (error as WeComApiError).errcode;
    }
  };

  it("should list a creator's messages, report who sent, and each customer's outcome (sent, or over the receive cap)", async () => {
    const now = unix(new Date());
    const list = await wecom.post<{ group_msg_list: { msgid: string }[] }>(`${API}/get_groupmsg_list_v2`, { chat_type: "single", start_time: now - 7200, end_time: now, creator: "liting", filter_type: 0 });
    assert.deepEqual(list.group_msg_list.map((entry) => entry.msgid), ["msg-sent"]);
    const sent = await wecom.post<{ task_list: { userid: string; status: number }[] }>(`${API}/get_groupmsg_task`, { msgid: "msg-sent" });
    assert.deepEqual(sent.task_list.map((task) => [task.userid, task.status]), [["liting", 2]]);
    const waiting = await wecom.post<{ task_list: { status: number }[] }>(`${API}/get_groupmsg_task`, { msgid: "msg-waiting" });
    assert.equal(waiting.task_list[0]?.status, 0);
    const statuses: number[] = [];
    let cursor = "";
    do {
      const page = await wecom.post<{ send_list: { status: number }[]; next_cursor: string }>(`${API}/get_groupmsg_send_result`, { msgid: "msg-sent", userid: "liting", limit: 25, cursor });
      statuses.push(...page.send_list.map((row) => row.status));
      cursor = page.next_cursor;
    } while (cursor);
    assert.equal(statuses.length, 61);
    assert.equal(statuses.filter((status) => status === 2).length, 1, "the fail_list is not a friend");
    assert.equal(statuses.filter((status) => status === 1 || status === 3).length, 60);
    assert.ok(statuses.filter((status) => status === 3).length < 10, "only a few are capped");
    assert.equal(statuses.filter((status) => status === 0).length, 0);
  });

  it("should allow 3 reminders per msgid in 24 hours, and stop an unsent message on cancel", async () => {
    for (let n = 0; n < 3; n++) {
      await wecom.post(`${API}/remind_groupmsg_send`, { msgid: "msg-waiting" });
    }
    assert.equal(await errcodeOf(wecom.post(`${API}/remind_groupmsg_send`, { msgid: "msg-waiting" })), 45009);
    await wecom.post(`${API}/cancel_groupmsg_send`, { msgid: "msg-waiting" });
    assert.equal((await SandboxMassMessage.findById("msg-waiting").lean())?.cancelled, true);
    assert.equal(await errcodeOf(wecom.post(`${API}/get_groupmsg_task`, { msgid: "msg-nope" })), 41047);
  });
});
