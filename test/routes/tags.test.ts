import assert from "node:assert/strict";
import { Customer } from "../../server/models/Customer.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Member } from "../../server/models/Member.ts";
import { MemberIdentity } from "../../server/models/MemberIdentity.ts";
import { TagGroup } from "../../server/models/TagGroup.ts";
import { consoleGet, consoleSend, useTestServer } from "../support/server.ts";
import { ACCESS_TOKEN, nockToken, wecomApi } from "../support/wecomNock.ts";

describe("corp tags through WeCom, and tagging a customer", () => {
  const context = useTestServer();
  beforeEach(() => {
    nockToken();
  });

  it("should create a tag group in WeCom and mirror WeCom's answer", async () => {
    const add = wecomApi()
      .post("/cgi-bin/externalcontact/add_corp_tag", { group_name: "肤质", tag: [{ name: "干皮" }, { name: "油皮", order: 2 }] })
      .query({ access_token: ACCESS_TOKEN })
      .reply(200, {
        errcode: 0,
        errmsg: "ok",
        tag_group: {
          group_id: "etG_skin",
          group_name: "肤质",
          create_time: 1_700_000_000,
          order: 1,
          tag: [
            { id: "etT_dry", name: "干皮", create_time: 1_700_000_000, order: 1 },
            { id: "etT_oily", name: "油皮", create_time: 1_700_000_000, order: 2 },
          ],
        },
      });
    const response = await consoleSend(context.server, "POST", "/api/console/tag-groups", { groupName: "肤质", tags: [{ name: "干皮" }, { name: "油皮", order: 2 }] });
    assert.equal(response.status, 201);
    assert.ok(add.isDone());
    const list = await consoleGet(context.server, "/api/console/tag-groups");
    assert.deepEqual(list.body.data, [
      { groupId: "etG_skin", name: "肤质", order: 1, tags: [{ id: "etT_dry", name: "干皮", order: 1 }, { id: "etT_oily", name: "油皮", order: 2 }] },
    ]);
  });

  it("should rename a tag and delete one in WeCom, then in the mirror", async () => {
    await TagGroup.create({ groupId: "etG1", name: "渠道", tags: [{ id: "etA", name: "天猫" }, { id: "etB", name: "京东" }] });
    const edit = wecomApi().post("/cgi-bin/externalcontact/edit_corp_tag", { id: "etA", name: "天猫旗舰店" }).query(true).reply(200, { errcode: 0, errmsg: "ok" });
    const del = wecomApi().post("/cgi-bin/externalcontact/del_corp_tag", { tag_id: ["etB"], group_id: [] }).query(true).reply(200, { errcode: 0, errmsg: "ok" });
    assert.equal((await consoleSend(context.server, "PATCH", "/api/console/tags/etA", { name: "天猫旗舰店" })).status, 200);
    assert.equal((await consoleSend(context.server, "POST", "/api/console/tags/delete", { tagIds: ["etB"] })).status, 200);
    assert.ok(edit.isDone() && del.isDone());
    const group = await TagGroup.findOne({ groupId: "etG1" }).lean();
    assert.deepEqual(group?.tags.map((tag) => [tag.name, tag.deleted]), [["天猫旗舰店", false], ["京东", true]]);
  });

  it("should leave the mirror untouched when WeCom refuses, and say why", async () => {
    await TagGroup.create({ groupId: "etG1", name: "渠道", tags: [{ id: "etA", name: "天猫" }] });
    wecomApi().post("/cgi-bin/externalcontact/edit_corp_tag").query(true).reply(200, { errcode: 40068, errmsg: "invalid tagid" });
    const response = await consoleSend(context.server, "PATCH", "/api/console/tags/etA", { name: "新名字" });
    assert.equal(response.status, 502);
    assert.equal(response.body.error, "wecom_error");
    assert.match(String(response.body.message), /40068/);
    assert.equal((await TagGroup.findOne({ groupId: "etG1" }).lean())?.tags[0]?.name, "天猫");
  });

  it("should mark tags on a follow with mark_tag and update the follow and its member", async () => {
    await Customer.create({ externalUserId: "wmT1", name: "赵女士" });
    await Follow.create({ externalUserId: "wmT1", userId: "zhangsan", tagIds: ["etOld"], status: "active" });
    const member = await Member.create({ memberNo: "M00000042", levelCode: "regular", externalUserIds: ["wmT1"] });
    await MemberIdentity.create({ _id: "customer:wmT1", kind: "customer", memberId: member._id, via: "guide_binding", at: new Date() });
    const mark = wecomApi()
      .post("/cgi-bin/externalcontact/mark_tag", { userid: "zhangsan", external_userid: "wmT1", add_tag: ["etVIP"], remove_tag: ["etOld"] })
      .query({ access_token: ACCESS_TOKEN })
      .reply(200, { errcode: 0, errmsg: "ok" });
    const response = await consoleSend(context.server, "POST", "/api/console/follows/mark-tags", {
      userId: "zhangsan",
      externalUserId: "wmT1",
      add: ["etVIP"],
      remove: ["etOld"],
    });
    assert.equal(response.status, 200);
    assert.ok(mark.isDone());
    assert.deepEqual((await Follow.findOne({ externalUserId: "wmT1" }).lean())?.tagIds, ["etVIP"]);
    assert.deepEqual((await Member.findById(member._id).lean())?.tagIds, ["etVIP"]);
  });

  it("should refuse a mark with nothing to add or remove, naming the field", async () => {
    const response = await consoleSend(context.server, "POST", "/api/console/follows/mark-tags", { userId: "u", externalUserId: "wm1" });
    assert.equal(response.status, 400);
    assert.equal(response.body.message, "add: add or remove must name a tag");
  });
});
