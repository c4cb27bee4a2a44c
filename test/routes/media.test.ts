import assert from "node:assert/strict";
import nock from "nock";
import { forgetWecomMediaId, mediaFilesByIds, wecomMediaId } from "../../server/commands/mediaLibrary.ts";
import { MediaFile } from "../../server/models/MediaFile.ts";
import type { PresentedMediaFile } from "../../server/presenters/mediaFile.ts";
import { sampleJpegHeader, sampleMp4, samplePng } from "../support/mediaSamples.ts";
import { API_TOKEN, consoleGet, testWeComClient, useTestServer, type TestServer } from "../support/server.ts";
import { loginAs } from "../support/sessions.ts";
import { ACCESS_TOKEN, nockToken, wecomApi } from "../support/wecomNock.ts";

const MEDIA = "/api/console/media";

async function upload(server: TestServer, data: Buffer, name: string, type: string, extra = ""): Promise<{ status: number; body: { data?: PresentedMediaFile; message?: string } }> {
  const response = await fetch(`${server.url}${MEDIA}?name=${encodeURIComponent(name)}${extra}`, {
    method: "POST",
    headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": type },
    body: new Uint8Array(data),
  });
  return { status: response.status, body: (await response.json()) as { data?: PresentedMediaFile; message?: string } };
}

describe("media library (素材库)", function () {
  this.timeout(30_000);
  const context = useTestServer();

  describe("upload, list and preview", () => {
    it("should store a PNG with its size read from the bytes, list it and serve it back whole and by range", async () => {
      const png = samplePng(40, 30);
      const created = await upload(context.server, png, "C:\\海报\\新品.png", "image/png");
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const file = created.body.data as PresentedMediaFile;
      assert.deepEqual({ ...file, id: "" }, { id: "", kind: "image", name: "新品.png", size: png.length, width: 40, height: 30, durationSec: null, url: `/api/console/media/${file.id}/content` });
      const stored = await MediaFile.findById(file.id).lean();
      assert.equal(stored?.createdBy, "api_token");

      const content = await fetch(`${context.server.url}${file.url}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
      assert.equal(content.status, 200);
      assert.equal(content.headers.get("content-type"), "image/png");
      assert.deepEqual(Buffer.from(await content.arrayBuffer()), png);

      const part = await fetch(`${context.server.url}${file.url}`, { headers: { authorization: `Bearer ${API_TOKEN}`, range: "bytes=8-15" } });
      assert.equal(part.status, 206);
      assert.equal(part.headers.get("content-range"), `bytes 8-15/${png.length}`);
      assert.deepEqual(Buffer.from(await part.arrayBuffer()), png.subarray(8, 16));
    });

    it("should read an MP4's duration and picture size from its moov box, before or after the media data, 32- or 64-bit", async () => {
      for (const [options, name] of [[{}, "a.mp4"], [{ version: 1 as const, moovLast: true }, "b.mp4"]] as const) {
        const created = await upload(context.server, sampleMp4(12.5, { width: 1080, height: 1920, ...options }), name, "video/mp4", "&purpose=moment");
        assert.equal(created.status, 201, JSON.stringify(created.body));
        assert.deepEqual([created.body.data?.kind, created.body.data?.durationSec, created.body.data?.width, created.body.data?.height], ["video", 12.5, 1080, 1920]);
      }
    });

    it("should page the picker on the database, newest first, one kind at a time", async () => {
      const ids: string[] = [];
      for (let index = 0; index < 3; index++) {
        ids.push((await upload(context.server, samplePng(2, 2 + index), `图${index}.png`, "image/png")).body.data?.id ?? "");
      }
      await upload(context.server, sampleMp4(3), "v.mp4", "video/mp4");
      const first = await consoleGet(context.server, `${MEDIA}?kind=image&page=1&pageSize=2`);
      assert.deepEqual((first.body.data as PresentedMediaFile[]).map((file) => file.name), ["图2.png", "图1.png"]);
      assert.deepEqual(first.body.pagination, { page: 1, pageSize: 2, total: 3 });
      const second = await consoleGet(context.server, `${MEDIA}?kind=image&page=2&pageSize=2`);
      assert.deepEqual((second.body.data as PresentedMediaFile[]).map((file) => file.name), ["图0.png"]);
      const videos = await consoleGet(context.server, `${MEDIA}?kind=video`);
      assert.deepEqual((videos.body.data as PresentedMediaFile[]).map((file) => file.kind), ["video"]);
      assert.equal((await consoleGet(context.server, `${MEDIA}?kind=audio`)).body.message, "kind: 应为 image 或 video");
      assert.deepEqual((await mediaFilesByIds([ids[2] ?? "", "0123456789abcdef01234567", ids[0] ?? ""])).map((file) => file.name), ["图2.png", "图0.png"]);
    });
  });

  describe("refusals (a Chinese message naming the field, nothing stored)", () => {
    it("should refuse what is not a JPG, PNG or MP4, an empty file, a file over 10 MB, and a JSON body", async () => {
      const cases: [Buffer, string, number, string][] = [
        [Buffer.from("GIF89a-not-allowed-here"), "image/png", 400, "file: 只支持 JPG、PNG 图片或 MP4 视频"],
        [Buffer.from("abc"), "image/png", 400, "file: 文件内容为空"],
        [Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from("ftypisom"), Buffer.alloc(40)]), "video/mp4", 400, "file: 无法读取视频的时长，请导出为标准 MP4（H.264）后再上传"],
        [Buffer.alloc(10 * 1024 * 1024 + 1, 1), "video/mp4", 413, "file: 文件不能超过 10MB"],
        [Buffer.from(JSON.stringify({ data: "aGVsbG8=" })), "application/json", 400, "file: 请上传 JPG、PNG 图片或 MP4 视频文件"],
      ];
      for (const [data, type, status, message] of cases) {
        const response = await upload(context.server, data, "x", type);
        assert.deepEqual([response.status, response.body.message], [status, message], message);
      }
      assert.equal((await upload(context.server, samplePng(2, 2), "", "image/png")).body.message, "name: 不能为空");
      assert.equal(await MediaFile.countDocuments(), 0);
    });

    it("should refuse for moments an image over 1,555,200 px and a video over 30 s, and take them for messages", async () => {
      const big = sampleJpegHeader(1600, 1200);
      const refusedImage = await upload(context.server, big, "大图.jpg", "image/jpeg", "&purpose=moment");
      assert.equal(refusedImage.status, 400);
      assert.equal(refusedImage.body.message, "file: 「大图.jpg」为 1600×1200，朋友圈图片不能超过 1,555,200 像素（如 1440×1080），请缩小后再上传");
      const refusedVideo = await upload(context.server, sampleMp4(30.4), "长.mp4", "video/mp4", "&purpose=moment");
      assert.equal(refusedVideo.body.message, "file: 「长.mp4」时长 31 秒，朋友圈视频不能超过 30 秒");
      assert.equal(await MediaFile.countDocuments(), 0);
      assert.equal((await upload(context.server, sampleJpegHeader(1440, 1080), "刚好.jpg", "image/jpeg", "&purpose=moment")).status, 201);
      const forMessage = await upload(context.server, big, "大图.jpg", "image/jpeg", "&purpose=message");
      assert.equal(forMessage.status, 201);
      // A file taken for messages is still refused when a moment asks WeCom for it.
      await assert.rejects(wecomMediaId(testWeComClient(), forMessage.body.data?.id ?? "", "moment", new Date()), /朋友圈图片不能超过/);
    });

    it("should let a store manager see the library but not upload to it", async () => {
      const manager = await loginAs(context.server, { userId: "mgr", role: "manager", scopeStoreIds: ["101"] });
      assert.equal((await manager.get(MEDIA)).status, 200);
      const response = await fetch(`${context.server.url}${MEDIA}?name=a.png`, { method: "POST", headers: { cookie: manager.cookie, "content-type": "image/png" }, body: new Uint8Array(samplePng(2, 2)) });
      assert.equal(response.status, 403);
      assert.equal(await MediaFile.countDocuments(), 0);
    });
  });

  describe("WeCom media ids", () => {
    afterEach(() => nock.cleanAll());

    it("should upload a moment's image once with upload_attachment, share the upload between concurrent callers, and upload again once the id has lapsed", async () => {
      const file = (await upload(context.server, samplePng(10, 10), "图.png", "image/png")).body.data as PresentedMediaFile;
      nockToken();
      const bodies: string[] = [];
      const first = wecomApi()
        .post("/cgi-bin/media/upload_attachment", (body: string) => (bodies.push(body), true))
        .query({ access_token: ACCESS_TOKEN, media_type: "image", attachment_type: "1" })
        .delay(50)
        .reply(200, { errcode: 0, errmsg: "ok", type: "image", media_id: "M-1", created_at: "1" });
      const wecom = testWeComClient();
      const start = new Date("2026-03-01T00:00:00Z");
      assert.deepEqual(await Promise.all([1, 2, 3].map(() => wecomMediaId(wecom, file.id, "moment", start))), ["M-1", "M-1", "M-1"]);
      assert.ok(first.isDone());
      assert.match(Buffer.from(bodies[0] ?? "", "hex").toString("utf8"), /name="media"; filename="图.png"/);
      // Still cached after two and a half days; nothing is asked of WeCom.
      assert.equal(await wecomMediaId(wecom, file.id, "moment", new Date(start.getTime() + 60 * 3_600_000)), "M-1");
      wecomApi().post("/cgi-bin/media/upload_attachment").query(true).reply(200, { errcode: 0, errmsg: "ok", type: "image", media_id: "M-2", created_at: "2" });
      // Refreshed a little before the three days run out.
      assert.equal(await wecomMediaId(wecom, file.id, "moment", new Date(start.getTime() + 71 * 3_600_000)), "M-2");
      const stored = await MediaFile.findById(file.id).lean();
      assert.equal(stored?.wecom?.moment?.mediaId, "M-2");
      assert.equal(stored?.wecom?.message ?? null, null);
    });

    it("should upload a message's video with media/upload, and again after WeCom refused the cached id", async () => {
      const file = (await upload(context.server, sampleMp4(5), "v.mp4", "video/mp4")).body.data as PresentedMediaFile;
      nockToken();
      wecomApi().post("/cgi-bin/media/upload").query({ access_token: ACCESS_TOKEN, type: "video" }).reply(200, { errcode: 0, errmsg: "ok", type: "video", media_id: "V-1", created_at: "1" });
      const now = new Date();
      const wecom = testWeComClient();
      assert.equal(await wecomMediaId(wecom, file.id, "message", now), "V-1");
      // A stale forget (an id replaced meanwhile) keeps the live one.
      await forgetWecomMediaId(file.id, "message", "V-0");
      assert.equal(await wecomMediaId(wecom, file.id, "message", now), "V-1");
      await forgetWecomMediaId(file.id, "message", "V-1");
      wecomApi().post("/cgi-bin/media/upload").query({ access_token: ACCESS_TOKEN, type: "video" }).reply(200, { errcode: 0, errmsg: "ok", type: "video", media_id: "V-2", created_at: "2" });
      assert.equal(await wecomMediaId(wecom, file.id, "message", now), "V-2");
      await assert.rejects(wecomMediaId(wecom, "0123456789abcdef01234567", "message", now), /file: 素材已被删除/);
    });
  });
});
