import assert from "node:assert/strict";
import mongoose from "mongoose";
import welcomeMessageSender from "../../server/commands/welcomeMessageSender.ts";
import { ChannelCode } from "../../server/models/ChannelCode.ts";
import { Follow } from "../../server/models/Follow.ts";
import { WelcomeImage } from "../../server/models/WelcomeImage.ts";
import { WelcomeSend } from "../../server/models/WelcomeSend.ts";
import type { EventProcessor } from "../../server/workers/eventProcessor.ts";
import { contactEventXml, deliver } from "../support/callbacks.ts";
import { consoleSend, testProcessor, testWeComClient, useTestServer } from "../support/server.ts";
import { externalContactResponse, nockToken, wecomApi } from "../support/wecomNock.ts";

// A 1×1 PNG.
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

describe("welcome messages and tags on an add through a channel code", () => {
  const context = useTestServer();
  let processor: EventProcessor;
  let imageId: string;
  let codeId: string;
  beforeEach(async () => {
    processor = testProcessor();
    nockToken();
    await mongoose.connection.db!.collection("agenda_jobs").deleteMany({});
    const image = await consoleSend(context.server, "POST", "/api/console/channel-code-images", { filename: "welcome.png", contentType: "image/png", dataBase64: PNG });
    assert.equal(image.status, 201, JSON.stringify(image.body));
    imageId = (image.body.data as { id: string }).id;
    wecomApi().post("/cgi-bin/externalcontact/add_contact_way").query(true).reply(200, { errcode: 0, errmsg: "ok", config_id: "cfg-w", qr_code: "https://wework.qpic.cn/qr.png" });
    const created = await consoleSend(context.server, "POST", "/api/console/channel-codes", {
      name: "包裹卡",
      type: "single",
      guides: [{ userId: "guideA" }],
      state: "parcel_card",
      tagIds: ["etPARCEL"],
      welcome: { text: "{客户昵称}您好，感谢购买", attachments: [{ type: "image", imageId }, { type: "link", title: "会员中心", url: "https://example.com/m" }] },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    codeId = (created.body.data as { id: string }).id;
  });

  const addEvent = (customer: string, welcomeCode: string, createTime = Math.floor(Date.now() / 1000)) =>
    deliver(context.server.url, contactEventXml("add_external_contact", { UserID: "guideA", ExternalUserID: customer, State: "parcel_card", WelcomeCode: welcomeCode, CreateTime: createTime }));
  const nockCustomer = (customer: string) =>
    wecomApi().get("/cgi-bin/externalcontact/get").query(true).reply(200, externalContactResponse(customer, [{ userid: "guideA", state: "parcel_card" }], "王小姐"));

  it("should send the code's welcome once, with the customer's name and an uploaded image, and tag the follow", async () => {
    nockCustomer("wmW1");
    const upload = wecomApi()
      .matchHeader("content-type", /^multipart\/form-data; boundary=/)
      .post("/cgi-bin/media/upload")
      .query((query) => query.type === "image").reply(200, { errcode: 0, errmsg: "ok", type: "image", media_id: "MEDIA1", created_at: "1" });
    let sent: unknown;
    const send = wecomApi()
      .post("/cgi-bin/externalcontact/send_welcome_msg", (body) => {
        sent = body;
        return true;
      })
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok" });
    let marked: unknown;
    wecomApi()
      .post("/cgi-bin/externalcontact/mark_tag", (body) => {
        marked = body;
        return true;
      })
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok" });
    assert.equal((await addEvent("wmW1", "WELCOME-1")).text, "success");
    await processor.drain();
    assert.ok(upload.isDone() && send.isDone());
    assert.deepEqual(sent, {
      welcome_code: "WELCOME-1",
      text: { content: "王小姐您好，感谢购买" },
      attachments: [{ msgtype: "image", image: { media_id: "MEDIA1" } }, { msgtype: "link", link: { title: "会员中心", url: "https://example.com/m" } }],
    });
    assert.deepEqual(marked, { userid: "guideA", external_userid: "wmW1", add_tag: ["etPARCEL"], remove_tag: [] });
    assert.deepEqual((await Follow.findOne({ externalUserId: "wmW1" }).lean())?.tagIds, ["etPARCEL"]);
    assert.equal((await WelcomeSend.findById("WELCOME-1").lean())?.status, "sent");
    // The same delivery again, and the same welcome code handled again: nothing more is sent (nock would refuse it).
    assert.equal((await addEvent("wmW1", "WELCOME-1")).text, "success");
    await processor.drain();
    const code = (await ChannelCode.findById(codeId).lean())!;
    const again = await welcomeMessageSender({ wecom: testWeComClient(), code, welcomeCode: "WELCOME-1", userId: "guideA", externalUserId: "wmW1", customerName: "王小姐", eventAt: new Date(), now: new Date() });
    assert.equal(again, "skipped");
  });

  it("should record a welcome code older than 20 s as expired and not send it", async () => {
    nockCustomer("wmW2");
    wecomApi().post("/cgi-bin/externalcontact/mark_tag").query(true).reply(200, { errcode: 0, errmsg: "ok" });
    await addEvent("wmW2", "WELCOME-OLD", Math.floor(Date.now() / 1000) - 25);
    await processor.drain();
    assert.equal((await WelcomeSend.findById("WELCOME-OLD").lean())?.status, "expired");
  });

  it("should count 41051 (already chatting) as sent, and re-upload an image once WeCom's 3-day media id has lapsed", async () => {
    await WelcomeImage.updateOne({ _id: imageId }, { $set: { mediaId: "MEDIA-OLD", mediaUploadedAt: new Date() } });
    let sent: { attachments: { image?: { media_id: string } }[] } | undefined;
    wecomApi()
      .post("/cgi-bin/externalcontact/send_welcome_msg", (body) => {
        sent = body;
        return true;
      })
      .query(true)
      .reply(200, { errcode: 41051, errmsg: "customer already chatting" });
    const code = (await ChannelCode.findById(codeId).lean())!;
    const now = new Date();
    const outcome = await welcomeMessageSender({ wecom: testWeComClient(), code, welcomeCode: "WELCOME-2", userId: "guideA", externalUserId: "wmW3", customerName: "王小姐", eventAt: now, now });
    assert.equal(outcome, "sent");
    assert.equal(sent?.attachments[0]?.image?.media_id, "MEDIA-OLD", "a live cached media id is reused");
    assert.deepEqual(await WelcomeSend.findById("WELCOME-2", { status: 1, errcode: 1, _id: 0 }).lean(), { status: "sent", errcode: 41051 });

    const later = new Date(now.getTime() + 3 * 86_400_000);
    wecomApi().post("/cgi-bin/media/upload").query(true).reply(200, { errcode: 0, errmsg: "ok", type: "image", media_id: "MEDIA-NEW", created_at: "2" });
    wecomApi().post("/cgi-bin/externalcontact/send_welcome_msg").query(true).reply(200, { errcode: 0, errmsg: "ok" });
    assert.equal(await welcomeMessageSender({ wecom: testWeComClient(), code, welcomeCode: "WELCOME-3", userId: "guideA", externalUserId: "wmW3", customerName: "王小姐", eventAt: later, now: later }), "sent");
    assert.equal((await WelcomeImage.findById(imageId, { mediaId: 1 }).lean())?.mediaId, "MEDIA-NEW");
  });

  it("should try again when WeCom says another app is sending (41096), and send once", async () => {
    await WelcomeImage.updateOne({ _id: imageId }, { $set: { mediaId: "MEDIA-LIVE", mediaUploadedAt: new Date() } });
    wecomApi().post("/cgi-bin/externalcontact/send_welcome_msg").query(true).reply(200, { errcode: 41096, errmsg: "another app sending" });
    const code = (await ChannelCode.findById(codeId).lean())!;
    const now = new Date();
    const props = { wecom: testWeComClient(), code, welcomeCode: "WELCOME-4", userId: "guideA", externalUserId: "wmW4", customerName: "王小姐", eventAt: now, now };
    await assert.rejects(welcomeMessageSender(props), /41096/);
    assert.equal((await WelcomeSend.findById("WELCOME-4").lean())?.status, "sending");
    wecomApi().post("/cgi-bin/externalcontact/send_welcome_msg").query(true).reply(200, { errcode: 0, errmsg: "ok" });
    assert.equal(await welcomeMessageSender(props), "sent");
    assert.equal(await welcomeMessageSender(props), "skipped");
  });
});
