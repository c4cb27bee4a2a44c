// The media uploader (素材库) inside the moment composer, at phone width: files refused in the
// browser before any upload (type, 10 MB), one refused by the server (pixels for a moment), one
// uploaded with its thumbnail, earlier uploads picked from the library (one greyed as unfit for a
// moment), a video refused next to images, and a file removed.
import assert from "node:assert/strict";
import { saveMediaFile } from "../../server/commands/mediaLibrary.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { MediaFile } from "../../server/models/MediaFile.ts";
import { byTest, screenshot, useBrowser } from "../support/browser.ts";
import { sampleJpegHeader, sampleMp4, samplePng } from "../support/mediaSamples.ts";
import { nockToken } from "../support/wecomNock.ts";

describe("the media uploader in the moment composer (browser, 400 px)", function () {
  this.timeout(180_000);
  const suite = useBrowser();
  beforeEach(() => nockToken());

  it("should refuse bad files in Chinese, upload one with its thumbnail, pick earlier uploads, keep a video alone, and remove", async () => {
    await Department.create([{ departmentId: 1, name: "某某美妆", parentId: 0 }]);
    await Employee.create([{ userId: "opA", name: "唐运营", departmentIds: [1], mainDepartmentId: 1, role: "operator" }]);
    const earlier = await saveMediaFile({ name: "旧海报.png", mime: "image/png", data: samplePng(320, 240, [60, 120, 200]), createdBy: "opA", purpose: "moment" });
    await saveMediaFile({ name: "大图.jpg", mime: "image/jpeg", data: sampleJpegHeader(1600, 1200), createdBy: "opA", purpose: "message" });

    const page = await suite.newPage("console", { wecomUserId: "opA" });
    await page.goto(`${suite.server.url}/console/`);
    await byTest(page, "login-qr").click();
    await byTest(page, "nav-moments").click();
    await page.setViewportSize({ width: 400, height: 860 });
    await byTest(page, "moment-new").click();
    const uploader = byTest(page, "media-uploader").first();
    await uploader.waitFor();

    // Refused before any upload: not an image or video, over 10 MB. Refused by the server: too many pixels for a moment.
    await uploader.locator('[data-test="media-input"]').setInputFiles([
      { name: "说明.txt", mimeType: "text/plain", buffer: Buffer.from("不是图片") },
      { name: "超大.png", mimeType: "image/png", buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 1) },
      { name: "太宽.png", mimeType: "image/png", buffer: samplePng(1600, 1000) },
      { name: "门店.png", mimeType: "image/png", buffer: samplePng(200, 150) },
    ]);
    await uploader.locator('[data-test="media-tile"]').first().waitFor();
    await page.waitForFunction("document.querySelectorAll('[data-test=media-pending]').length === 0");
    const errors = await uploader.locator('[data-test="media-error"]').allTextContents();
    assert.equal(errors.length, 3, errors.join(" | "));
    assert.match(errors[0] ?? "", /「说明\.txt」不是JPG\/PNG 图片或MP4 视频/);
    assert.match(errors[1] ?? "", /「超大\.png」超过 10MB/);
    assert.match(errors[2] ?? "", /^「太宽\.png」为 1600×1000，朋友圈图片不能超过 1,555,200 像素/);
    assert.deepEqual((await MediaFile.find({}, { name: 1 }).sort({ createdAt: 1 }).lean()).map((file) => file.name), ["旧海报.png", "大图.jpg", "门店.png"]);
    // The thumbnail is the stored file, drawn by the browser through the authenticated preview.
    await page.waitForFunction("[...document.querySelectorAll('[data-test=media-tile] img')].every((img) => img.complete && img.naturalWidth === 200)");

    // From the library: the image too large for a moment is greyed with the reason and cannot be picked.
    await uploader.locator('[data-test="media-pick"]').click();
    const picker = page.locator(".el-dialog", { hasText: "从素材库选择" });
    await picker.locator('[data-test="media-choice"]').first().waitFor();
    const blocked = picker.locator('[data-test="media-choice"]', { hasText: "超过朋友圈的 1,555,200 像素" });
    await blocked.click();
    await picker.locator(`[data-test="media-choice"][data-id="${earlier.id}"]`).click();
    assert.equal(await picker.locator('[data-test="media-choice"]', { hasText: "已添加" }).count(), 1, "the file just uploaded shows as added");
    await screenshot(page, "media-uploader-picker-400.png");
    await picker.locator('[data-test="media-pick-confirm"]').click();
    await page.waitForFunction("document.querySelectorAll('[data-test=media-uploader] [data-test=media-tile]').length === 2");

    // A video cannot join images in a moment.
    await uploader.locator('[data-test="media-input"]').setInputFiles([{ name: "短片.mp4", mimeType: "video/mp4", buffer: sampleMp4(6) }]);
    await uploader.locator('[data-test="media-error"]', { hasText: "视频只能单独发送" }).waitFor();
    assert.equal(await MediaFile.countDocuments({ kind: "video" }), 0, "nothing uploaded");

    await uploader.locator(`[data-test="media-tile"][data-id="${earlier.id}"] [data-test="media-remove"]`).click();
    await page.waitForFunction("document.querySelectorAll('[data-test=media-uploader] [data-test=media-tile]').length === 1");
    await screenshot(page, "media-uploader-400.png");
    // Nothing sticks out of the phone-width dialog.
    const overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth");
    assert.ok(Number(overflow) <= 0, `page scrolls sideways by ${String(overflow)} px`);
    suite.assertCleanRun();
  });
});
