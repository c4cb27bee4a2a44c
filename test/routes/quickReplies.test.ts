import assert from "node:assert/strict";
import { QuickReply } from "../../server/models/QuickReply.ts";
import { QuickReplyFolder } from "../../server/models/QuickReplyFolder.ts";
import { API_TOKEN, consoleGet, consoleSend, useTestServer, type TestServer } from "../support/server.ts";
import { loginAs, type SessionClient } from "../support/sessions.ts";

const FOLDERS = "/api/console/quick-reply-folders";
const REPLIES = "/api/console/quick-replies";

async function consoleDelete(server: TestServer, path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${path}`, { method: "DELETE", headers: { authorization: `Bearer ${API_TOKEN}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const TEXT = { kind: "text", title: "欢迎语", content: { text: "您好，我是您的专属顾问\n有需要随时找我" } };
const IMAGE = { kind: "image", title: "新品海报", content: { mediaId: "3a8asd892asd8asd", imageUrl: "https://cdn.example.com/poster.png" } };
const LINK = { kind: "link", title: "会员权益介绍", content: { url: "https://shop.example.com/vip", title: "会员权益一览" } };
const MINIPROGRAM = {
  kind: "miniprogram",
  title: "商城首页",
  content: { appid: "wx8bd80126147dfAAA", title: "品牌商城", imgUrl: "https://cdn.example.com/mp.png", page: "pages/index.html?from=sidebar" },
};

describe("quick replies (话术库)", () => {
  const context = useTestServer();

  async function createFolder(name: string, order?: number): Promise<string> {
    const response = await consoleSend(context.server, "POST", FOLDERS, order === undefined ? { name } : { name, order });
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return (response.body.data as { id: string }).id;
  }

  async function createReply(body: object): Promise<string> {
    const response = await consoleSend(context.server, "POST", REPLIES, body);
    assert.equal(response.status, 201, JSON.stringify(response.body));
    return (response.body.data as { id: string }).id;
  }

  describe("folders", () => {
    it("should create, list in order with counts, rename and delete a folder", async () => {
      const later = await createFolder("售后", 2);
      const first = await createFolder("开场白", 1);
      await createReply({ ...TEXT, folderId: first });
      const list = await consoleGet(context.server, FOLDERS);
      assert.deepEqual(list.body.data, [
        { id: first, name: "开场白", order: 1, count: 1 },
        { id: later, name: "售后", order: 2, count: 0 },
      ]);
      const renamed = await consoleSend(context.server, "PUT", `${FOLDERS}/${first}`, { name: "欢迎" });
      assert.deepEqual(renamed.body.data, { id: first, name: "欢迎", order: 1, count: 1 });
      const removed = await consoleDelete(context.server, `${FOLDERS}/${later}`);
      assert.deepEqual(removed.body.data, { id: later, deleted: true });
      assert.equal(await QuickReplyFolder.countDocuments(), 1);
    });

    it("should refuse a duplicate name with 409", async () => {
      const id = await createFolder("开场白");
      await createFolder("售后");
      const created = await consoleSend(context.server, "POST", FOLDERS, { name: "开场白" });
      assert.equal(created.status, 409);
      assert.equal(created.body.message, "name: 已存在名为「开场白」的分组，请换一个名称");
      assert.equal((await consoleSend(context.server, "PUT", `${FOLDERS}/${id}`, { name: "售后" })).status, 409);
    });

    it("should refuse to delete a folder that holds replies, naming it", async () => {
      const id = await createFolder("开场白");
      await createReply({ ...TEXT, folderId: id });
      const response = await consoleDelete(context.server, `${FOLDERS}/${id}`);
      assert.equal(response.status, 409);
      assert.match(String(response.body.message), /^id: 分组「开场白」下还有 1 条话术/);
      assert.equal(await QuickReplyFolder.countDocuments(), 1);
    });

    it("should validate names and ids, and answer 404 for an unknown folder", async () => {
      assert.equal((await consoleSend(context.server, "POST", FOLDERS, {})).body.message, "name: is required");
      assert.equal((await consoleSend(context.server, "POST", FOLDERS, { name: "  " })).body.message, "name: is required");
      assert.equal((await consoleSend(context.server, "POST", FOLDERS, { name: "x", order: 1.5 })).body.message, "order: must be an integer");
      assert.equal((await consoleSend(context.server, "PUT", `${FOLDERS}/nope`, { name: "x" })).body.message, "id: must be a folder id");
      const unknown = "0123456789abcdef01234567";
      assert.equal((await consoleSend(context.server, "PUT", `${FOLDERS}/${unknown}`, { name: "x" })).status, 404);
      assert.equal((await consoleDelete(context.server, `${FOLDERS}/${unknown}`)).status, 404);
    });
  });

  describe("replies", () => {
    it("should create each kind and answer the contract's shape", async () => {
      const folderId = await createFolder("常用");
      const created = [];
      for (const body of [TEXT, IMAGE, LINK, MINIPROGRAM]) {
        const response = await consoleSend(context.server, "POST", REPLIES, { ...body, folderId });
        assert.equal(response.status, 201, JSON.stringify(response.body));
        created.push(response.body.data);
      }
      const list = await consoleGet(context.server, REPLIES);
      assert.deepEqual(list.body.data, created);
      assert.deepEqual(
        (created as { id: string }[]).map(({ id: _id, ...rest }) => rest),
        [
          { folderId, ...TEXT },
          { folderId, ...IMAGE },
          // Optional link fields come back empty, so the sidebar always gets every key.
          { folderId, ...LINK, content: { ...LINK.content, desc: "", imgUrl: "" } },
          { folderId, ...MINIPROGRAM },
        ],
      );
    });

    it("should keep a reply without a folder (未分组)", async () => {
      const response = await consoleSend(context.server, "POST", REPLIES, { ...TEXT, folderId: null });
      assert.equal((response.body.data as { folderId: unknown }).folderId, null);
      assert.equal((await consoleSend(context.server, "POST", REPLIES, TEXT)).status, 201);
    });

    it("should validate the content by kind, naming the field", async () => {
      const cases: [object, string][] = [
        [{ ...TEXT, kind: "video" }, "kind: must be one of text, image, link, miniprogram"],
        [{ title: "x", content: {} }, "kind: must be one of text, image, link, miniprogram"],
        [{ ...TEXT, title: "" }, "title: is required"],
        [{ ...TEXT, content: { text: "   " } }, "content.text: is required"],
        [{ ...TEXT, content: {} }, "content.text: is required"],
        [{ ...TEXT, content: "hi" }, "content: Invalid input: expected object, received string"],
        [{ ...IMAGE, content: { imageUrl: IMAGE.content.imageUrl } }, "content.mediaId: is required"],
        [{ ...IMAGE, content: { ...IMAGE.content, imageUrl: "ftp://cdn.example.com/a.png" } }, "content.imageUrl: must be an http(s) URL"],
        [{ ...LINK, content: { ...LINK.content, url: "not a url" } }, "content.url: must be an http(s) URL"],
        [{ ...LINK, content: { ...LINK.content, imgUrl: "javascript:alert(1)" } }, "content.imgUrl: must be an http(s) URL"],
        [{ ...MINIPROGRAM, content: { ...MINIPROGRAM.content, page: "pages/index" } }, "content.page: must end in .html, e.g. pages/index.html"],
        [{ ...MINIPROGRAM, content: { ...MINIPROGRAM.content, page: "pages/index?x=.html" } }, "content.page: must end in .html, e.g. pages/index.html"],
        [{ ...MINIPROGRAM, content: { ...MINIPROGRAM.content, appid: "abc" } }, "content.appid: must be a mini-program AppID (wx…)"],
        [{ ...MINIPROGRAM, content: { ...MINIPROGRAM.content, imgUrl: undefined } }, "content.imgUrl: must be an http(s) URL"],
        [{ ...TEXT, folderId: "nope" }, "folderId: must be a folder id"],
        [{ ...TEXT, folderId: "0123456789abcdef01234567" }, "folderId: 分组不存在"],
      ];
      for (const [body, message] of cases) {
        const response = await consoleSend(context.server, "POST", REPLIES, body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.body.message, message, JSON.stringify(body));
      }
      assert.equal(await QuickReply.countDocuments(), 0);
    });

    it("should replace a reply, kind included, and delete it", async () => {
      const id = await createReply(TEXT);
      const updated = await consoleSend(context.server, "PUT", `${REPLIES}/${id}`, LINK);
      assert.equal(updated.status, 200);
      assert.deepEqual(updated.body.data, { id, folderId: null, ...LINK, content: { ...LINK.content, desc: "", imgUrl: "" } });
      assert.equal((await QuickReply.findById(id).lean())?.content.text, undefined);
      assert.equal((await consoleSend(context.server, "PUT", `${REPLIES}/${id}`, { ...LINK, content: {} })).body.message, "content.url: must be an http(s) URL");
      assert.deepEqual((await consoleDelete(context.server, `${REPLIES}/${id}`)).body.data, { id, deleted: true });
      assert.equal((await consoleDelete(context.server, `${REPLIES}/${id}`)).status, 404);
      assert.equal((await consoleSend(context.server, "PUT", `${REPLIES}/${id}`, TEXT)).status, 404);
    });

    it("should search title and text, filter by folder and page", async () => {
      const welcome = await createFolder("欢迎");
      const after = await createFolder("售后");
      const a = await createReply({ ...TEXT, title: "开场问候", content: { text: "您好" }, folderId: welcome });
      const b = await createReply({ ...TEXT, title: "退换货", content: { text: "七天无理由退货，您好" }, folderId: after });
      const c = await createReply({ ...LINK, title: "您好礼包", folderId: after });
      const d = await createReply({ ...IMAGE, title: "海报", folderId: welcome });
      const ids = async (query: string) => ((await consoleGet(context.server, `${REPLIES}${query}`)).body.data as { id: string }[]).map((reply) => reply.id);
      assert.deepEqual(await ids("?q=您好"), [a, b, c]);
      assert.deepEqual(await ids("?q=退货"), [b]);
      assert.deepEqual(await ids("?q=(.*"), []);
      assert.deepEqual(await ids(`?folderId=${welcome}`), [a, d]);
      assert.deepEqual(await ids(`?folderId=${after}&q=您好`), [b, c]);
      assert.deepEqual(await ids("?folderId="), [a, b, c, d]);
      const page = await consoleGet(context.server, `${REPLIES}?page=2&pageSize=3`);
      assert.deepEqual((page.body.data as { id: string }[]).map((reply) => reply.id), [d]);
      assert.deepEqual(page.body.pagination, { page: 2, pageSize: 3, total: 4 });
      assert.equal((await consoleGet(context.server, `${REPLIES}?page=0`)).body.message, "page: must be ≥ 1");
      assert.equal((await consoleGet(context.server, `${REPLIES}?folderId=x`)).body.message, "folderId: must be a folder id");
    });

    it("should answer 401 without credentials", async () => {
      assert.equal((await consoleGet(context.server, REPLIES, null)).status, 401);
      assert.equal((await consoleGet(context.server, FOLDERS, null)).status, 401);
    });
  });

  describe("in the sidebar", () => {
    let guide: SessionClient;
    beforeEach(async () => {
      guide = await loginAs(context.server, { userId: "guide01" });
    });
    const get = (path: string) => guide.get(`/api/sidebar${path}`);

    it("should list folders with counts and page through replies", async () => {
      const folderId = await createFolder("开场白");
      await createFolder("空分组", 5);
      const text = await createReply({ ...TEXT, folderId });
      await createReply({ ...MINIPROGRAM, folderId: null });
      assert.deepEqual((await get("/quick-reply-folders")).body.data, [
        { id: folderId, name: "开场白", order: 0, count: 1 },
        { id: (await QuickReplyFolder.findOne({ name: "空分组" }).lean())?._id.toString(), name: "空分组", order: 5, count: 0 },
      ]);
      const replies = await get(`/quick-replies?folderId=${folderId}&q=顾问&page=1&pageSize=10`);
      assert.equal(replies.status, 200);
      assert.deepEqual(replies.body.data, [{ id: text, folderId, ...TEXT }]);
      assert.deepEqual(replies.body.pagination, { page: 1, pageSize: 10, total: 1 });
      assert.equal((await get("/quick-replies?pageSize=0")).body.message, "pageSize: must be ≥ 1");
    });
  });
});
