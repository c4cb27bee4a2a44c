import assert from "node:assert/strict";
import { WeComApiError } from "../../server/errors.ts";
import { SANDBOX_AGENT_ID, SANDBOX_AGENT_SECRET, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "../../server/sandbox/config.ts";
import { SandboxUser } from "../../server/sandbox/models/index.ts";
import { startWeComStandIn, type WeComStandIn } from "../../server/sandbox/wecomApi/index.ts";
import { WeComClient } from "../../server/wecom/client.ts";
import { resetDatabase } from "../support/hooks.ts";

describe("sandbox stand-in: app messages (message/send)", () => {
  let standIn: WeComStandIn;
  let wecom: WeComClient;

  before(async () => {
    standIn = await startWeComStandIn({ host: "127.0.0.1", port: 0 });
    wecom = new WeComClient({ baseUrl: standIn.url, corpId: SANDBOX_CORP_ID, secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 2 } });
  });
  after(async () => {
    await standIn.close();
  });
  beforeEach(async () => {
    await resetDatabase();
    await SandboxUser.create({ userid: "liting", name: "李婷", status: 1 });
  });

  it("should deliver to known members, list the unknown ones, refuse when nobody is valid, and want the app's token", async () => {
    const text = (touser: string) => ({ touser, msgtype: "text", agentid: SANDBOX_AGENT_ID, text: { content: "客户王小姐删除了您" } });
    const sent = await wecom.post<{ invaliduser: string; msgid: string }>("/cgi-bin/message/send", text("liting|Nobody"), { secret: "agent" });
    assert.equal(sent.invaliduser, "nobody");
    assert.ok(sent.msgid);
    const refused = await wecom.post("/cgi-bin/message/send", text("nobody"), { secret: "agent" }).catch((error: unknown) => error);
    assert.ok(refused instanceof WeComApiError && refused.errcode === 81013);
    const wrongToken = await wecom.post("/cgi-bin/message/send", text("liting"), { secret: "contact" }).catch((error: unknown) => error);
    assert.ok(wrongToken instanceof WeComApiError);
  });
});
