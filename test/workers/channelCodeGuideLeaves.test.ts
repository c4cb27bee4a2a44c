import assert from "node:assert/strict";
import mongoose from "mongoose";
import { ChannelCode } from "../../server/models/ChannelCode.ts";
import { callbackXml, deliver } from "../support/callbacks.ts";
import { consoleGet, consoleSend, testProcessor, useTestServer } from "../support/server.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";
import { SAMPLE } from "../support/wecomSecrets.ts";

const deleteUser = (userId: string, createTime: number) =>
  callbackXml({ ToUserName: SAMPLE.receiveId, FromUserName: "sys", CreateTime: createTime, MsgType: "event", Event: "change_contact", ChangeType: "delete_user", UserID: userId });

describe("a guide who leaves the company", () => {
  const context = useTestServer();
  beforeEach(async () => {
    nockToken();
    await mongoose.connection.db!.collection("agenda_jobs").deleteMany({});
  });

  const createCode = async (state: string, guides: string[], backupGuides: string[] = []) => {
    wecomApi().post("/cgi-bin/externalcontact/add_contact_way").query(true).reply(200, { errcode: 0, errmsg: "ok", config_id: `cfg-${state}`, qr_code: "https://wework.qpic.cn/q.png" });
    const created = await consoleSend(context.server, "POST", "/api/console/channel-codes", { name: state, type: "multi", state, guides: guides.map((userId) => ({ userId })), backupGuides });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    return (created.body.data as { id: string }).id;
  };

  it("should leave every code, WeCom updated where others remain, and a code with nobody left marked for the operator", async () => {
    const shared = await createCode("shared", ["guideA", "guideB"], ["guideA"]);
    const alone = await createCode("alone", ["guideA"]);
    let body: unknown;
    const update = wecomApi()
      .post("/cgi-bin/externalcontact/update_contact_way", (sent) => {
        body = sent;
        return true;
      })
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok" });
    assert.equal((await deliver(context.server.url, deleteUser("guideA", 1_700_000_100))).status, 200);
    await testProcessor().drain();
    assert.ok(update.isDone());
    assert.deepEqual(body, { config_id: "cfg-shared", user: ["guideB"], skip_verify: true });
    const sharedCode = await ChannelCode.findById(shared).lean();
    assert.deepEqual([sharedCode?.guides.map((guide) => guide.userId), sharedCode?.backupGuides], [["guideB"], []]);
    const list = await consoleGet(context.server, "/api/console/channel-codes");
    const byId = new Map((list.body.data as { id: string; lostLastGuide: boolean }[]).map((code) => [code.id, code.lostLastGuide]));
    assert.deepEqual([byId.get(shared), byId.get(alone)], [false, true]);
  });
});
