import assert from "node:assert/strict";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { TagGroup } from "../../server/models/TagGroup.ts";
import type { EventProcessor } from "../../server/workers/eventProcessor.ts";
import { callbackXml, deliver } from "../support/callbacks.ts";
import { testProcessor, useTestServer } from "../support/server.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";
import { SAMPLE } from "../support/wecomSecrets.ts";

const header = (event: string, changeType: string, createTime: number) => ({
  ToUserName: SAMPLE.receiveId,
  FromUserName: "sys",
  CreateTime: createTime,
  MsgType: "event",
  Event: event,
  ChangeType: changeType,
});

const tagList = (groups: { group_id: string; group_name: string; tag: { id: string; name: string; order?: number }[] }[]) => ({
  errcode: 0,
  errmsg: "ok",
  tag_group: groups.map((group, index) => ({ create_time: 1_700_000_000, order: index, deleted: false, ...group })),
});

describe("change_external_tag and change_contact events", () => {
  const context = useTestServer();
  let processor: EventProcessor;
  beforeEach(async () => {
    processor = testProcessor();
    nockToken();
  });

  it("should mirror the corp tag list on every tag event and mark vanished groups deleted", async () => {
    const first = wecomApi()
      .post("/cgi-bin/externalcontact/get_corp_tag_list", {})
      .query(true)
      .reply(
        200,
        tagList([
          { group_id: "etG1", group_name: "会员等级", tag: [{ id: "etT1", name: "金卡" }, { id: "etT2", name: "银卡" }] },
          { group_id: "etG2", group_name: "渠道", tag: [{ id: "etT3", name: "天猫" }] },
        ]),
      );
    await deliver(context.server.url, callbackXml({ ...header("change_external_tag", "create", 1_700_000_000), Id: "etT3", TagType: "tag" }));
    await processor.drain();
    assert.ok(first.isDone());
    assert.deepEqual(
      (await TagGroup.find().sort({ groupId: 1 }).lean()).map((group) => [group.name, group.tags.map((tag) => tag.name)]),
      [["会员等级", ["金卡", "银卡"]], ["渠道", ["天猫"]]],
    );

    wecomApi()
      .post("/cgi-bin/externalcontact/get_corp_tag_list")
      .query(true)
      .reply(200, tagList([{ group_id: "etG1", group_name: "会员等级", tag: [{ id: "etT1", name: "黑金卡" }] }]));
    await deliver(context.server.url, callbackXml({ ...header("change_external_tag", "delete", 1_700_000_100), Id: "etG2", TagType: "tag_group" }));
    await processor.drain();
    const groups = await TagGroup.find().sort({ groupId: 1 }).lean();
    assert.deepEqual(
      groups.map((group) => [group.groupId, group.deleted, group.tags.map((tag) => `${tag.name}:${tag.deleted}`)]),
      [["etG1", false, ["黑金卡:false"]], ["etG2", true, ["天猫:true"]]],
    );
  });

  it("should keep departments and employees current", async () => {
    const events = [
      { ...header("change_contact", "create_party", 1), Id: "2", Name: "上海南京西路店", ParentId: "1", Order: "10" },
      {
        ...header("change_contact", "create_user", 2),
        UserID: "zhangsan",
        Name: "张三",
        Department: "2,3",
        MainDepartment: "2",
        Position: "导购",
        Mobile: "13800000000",
        Status: "1",
      },
      { ...header("change_contact", "update_user", 3), UserID: "zhangsan", Position: "店长" },
      { ...header("change_contact", "update_party", 4), Id: "2", Name: "上海静安店" },
      { ...header("change_contact", "create_user", 5), UserID: "lisi", Name: "李四", Department: "2" },
      { ...header("change_contact", "delete_user", 6), UserID: "lisi" },
      { ...header("change_contact", "delete_party", 7), Id: "3" },
    ];
    for (const event of events) {
      assert.equal((await deliver(context.server.url, callbackXml(event))).status, 200);
    }
    await processor.drain();
    const zhangsan = await Employee.findOne({ userId: "zhangsan" }).lean();
    assert.deepEqual(
      [zhangsan?.name, zhangsan?.departmentIds, zhangsan?.mainDepartmentId, zhangsan?.position, zhangsan?.deleted],
      ["张三", [2, 3], 2, "店长", false],
    );
    assert.equal("mobile" in (zhangsan ?? {}), false, "employee mobiles are not kept");
    assert.equal((await Employee.findOne({ userId: "lisi" }).lean())?.deleted, true);
    const store = await Department.findOne({ departmentId: 2 }).lean();
    assert.deepEqual([store?.name, store?.parentId, store?.order], ["上海静安店", 1, 10]);
    assert.equal((await Department.findOne({ departmentId: 3 }).lean())?.deleted, true);
  });

  it("should carry an employee's customers over when the userid changes", async () => {
    await Follow.create({ externalUserId: "wmC1", userId: "old_id", status: "active" });
    await deliver(context.server.url, callbackXml({ ...header("change_contact", "create_user", 1), UserID: "old_id", Name: "王五" }));
    await deliver(context.server.url, callbackXml({ ...header("change_contact", "update_user", 2), UserID: "old_id", NewUserID: "new_id" }));
    await processor.drain();
    assert.equal((await Employee.findOne({ userId: "new_id" }).lean())?.name, "王五");
    assert.equal(await Employee.countDocuments({ userId: "old_id" }), 0);
    assert.equal((await Follow.findOne({ externalUserId: "wmC1" }).lean())?.userId, "new_id");
  });
});
