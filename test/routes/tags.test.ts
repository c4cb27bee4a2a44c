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

  it("should say a new group name that exists was merged into that group, and which tags were already there", async () => {
    await TagGroup.create({ groupId: "etG_skin", name: "肤质", tags: [{ id: "etT_dry", name: "干皮" }] });
    // WeCom answers a taken group name with that group, and a tag it has with the existing tag.
    wecomApi()
      .post("/cgi-bin/externalcontact/add_corp_tag", { group_name: "肤质", tag: [{ name: "干皮" }, { name: "混合皮" }] })
      .query(true)
      .reply(200, {
        errcode: 0,
        errmsg: "ok",
        tag_group: { group_id: "etG_skin", group_name: "肤质", tag: [{ id: "etT_dry", name: "干皮" }, { id: "etT_mix", name: "混合皮" }] },
      });
    const response = await consoleSend(context.server, "POST", "/api/console/tag-groups", { groupName: "肤质", tags: [{ name: "干皮" }, { name: "混合皮" }] });
    assert.equal(response.status, 201);
    assert.deepEqual(response.body.data, { groupId: "etG_skin", groupName: "肤质", merged: true, created: ["混合皮"], existing: ["干皮"] });
    assert.equal(await TagGroup.countDocuments({}), 1);
  });

  it("should say a created group is new, and that adding a tag the group has added nothing", async () => {
    wecomApi()
      .post("/cgi-bin/externalcontact/add_corp_tag", { group_name: "渠道", tag: [{ name: "天猫" }] })
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok", tag_group: { group_id: "etG_ch", group_name: "渠道", tag: [{ id: "etA", name: "天猫" }] } });
    const created = await consoleSend(context.server, "POST", "/api/console/tag-groups", { groupName: "渠道", tags: [{ name: "天猫" }] });
    assert.equal(created.status, 201);
    assert.deepEqual(created.body.data, { groupId: "etG_ch", groupName: "渠道", merged: false, created: ["天猫"], existing: [] });

    wecomApi()
      .post("/cgi-bin/externalcontact/add_corp_tag", { group_id: "etG_ch", tag: [{ name: "天猫" }] })
      .query(true)
      .reply(200, { errcode: 0, errmsg: "ok", tag_group: { group_id: "etG_ch", group_name: "渠道", tag: [{ id: "etA", name: "天猫" }] } });
    const again = await consoleSend(context.server, "POST", "/api/console/tag-groups/etG_ch/tags", { tags: [{ name: "天猫" }] });
    assert.equal(again.status, 200, "nothing was created");
    assert.deepEqual(again.body.data, { groupId: "etG_ch", groupName: "渠道", merged: false, created: [], existing: ["天猫"] });
    assert.deepEqual((await TagGroup.findOne({ groupId: "etG_ch" }).lean())?.tags.map((tag) => tag.name), ["天猫"]);
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
