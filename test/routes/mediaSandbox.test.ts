import assert from "node:assert/strict";
import { saveMediaFile, wecomMediaId } from "../../server/commands/mediaLibrary.ts";
import { SANDBOX_AGENT_SECRET, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "../../server/sandbox/config.ts";
import { SandboxMedia } from "../../server/sandbox/models/index.ts";
import { startWeComStandIn, type WeComStandIn } from "../../server/sandbox/wecomApi/index.ts";
import { WeComClient } from "../../server/wecom/client.ts";
import { resetDatabase } from "../support/hooks.ts";
import { sampleMp4, samplePng } from "../support/mediaSamples.ts";

// The library's uploads as the sandbox's WeCom stand-in receives them: the same multipart the
// real WeCom gets, so a moment or a message built in the sandbox carries ids the stand-in knows.
describe("media library against the sandbox's WeCom stand-in", () => {
  let standIn: WeComStandIn;
  let wecom: WeComClient;

  beforeEach(async () => {
    await resetDatabase();
    standIn = await startWeComStandIn({ host: "127.0.0.1", port: 0 });
    wecom = new WeComClient({ baseUrl: standIn.url, corpId: SANDBOX_CORP_ID, secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 2 } });
  });

  afterEach(() => standIn.close());

  it("should upload a moment's image with upload_attachment and a message's video with media/upload, bytes and names intact", async () => {
    const png = samplePng(64, 48);
    const image = await saveMediaFile({ name: "门店海报.png", mime: "image/png", data: png, createdBy: "ops", purpose: "moment" });
    const mp4 = sampleMp4(8, { padding: 2048 });
    const video = await saveMediaFile({ name: "新品.mp4", mime: "video/mp4", data: mp4, createdBy: "ops" });
    const now = new Date();
    const imageId = await wecomMediaId(wecom, image.id, "moment", now);
    const videoId = await wecomMediaId(wecom, video.id, "message", now);
    const stored = await SandboxMedia.find({ media_id: { $in: [imageId, videoId] } });
    const byId = new Map(stored.map((media) => [media.media_id, media]));
    assert.deepEqual([byId.get(imageId)?.type, byId.get(imageId)?.filename, byId.get(imageId)?.content_type], ["image", "门店海报.png", "image/png"]);
    assert.deepEqual(Buffer.from(byId.get(imageId)?.data ?? []), png);
    assert.deepEqual([byId.get(videoId)?.type, byId.get(videoId)?.filename], ["video", "新品.mp4"]);
    assert.deepEqual(Buffer.from(byId.get(videoId)?.data ?? []), mp4);
    // A moment built in the sandbox accepts the id.
    const { jobid } = await wecom.post<{ jobid: string }>("/cgi-bin/externalcontact/add_moment_task", { text: { content: "上新" }, attachments: [{ msgtype: "image", image: { media_id: imageId } }] });
    assert.ok(jobid);
  });
});
