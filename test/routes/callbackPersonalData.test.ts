import assert from "node:assert/strict";
import { Employee } from "../../server/models/Employee.ts";
import { Event } from "../../server/models/Event.ts";
import { callbackXml, deliver } from "../support/callbacks.ts";
import { testProcessor, useTestServer } from "../support/server.ts";
import { SAMPLE } from "../support/wecomSecrets.ts";

const PERSONAL = ["13800000000", "zhangsan@example.com", "zs@corp.example", "021-12345678", "南京西路", "310101199001011234"];

const createUser = (changeType: string) =>
  callbackXml({
    ToUserName: SAMPLE.receiveId,
    FromUserName: "sys",
    CreateTime: 1_700_000_000,
    MsgType: "event",
    Event: "change_contact",
    ChangeType: changeType,
    UserID: "zhangsan",
    Name: "张三",
    Department: "2,3",
    MainDepartment: "2",
    Position: "导购",
    Mobile: "13800000000",
    Gender: "1",
    Email: "zhangsan@example.com",
    BizMail: "zs@corp.example",
    Telephone: "021-12345678",
    Address: "南京西路 1 号",
    Avatar: "http://wework.qpic.cn/avatar/0",
    Status: 1,
  }).replace(
    "</xml>",
    "<ExtAttr><Item><Name><![CDATA[身份证]]></Name><Type>0</Type><Text><Value><![CDATA[310101199001011234]]></Value></Text></Item></ExtAttr></xml>",
  );

describe("POST /wecom/callback: employees' personal data", () => {
  const context = useTestServer();

  it("should store change_contact without the personal fields nothing uses, and still keep the employee", async () => {
    assert.equal((await deliver(context.server.url, createUser("create_user"))).status, 200);
    const stored = await Event.findOne().lean();
    const kept = `${stored?.raw} ${JSON.stringify(stored?.payload)}`;
    for (const value of PERSONAL) {
      assert.ok(!kept.includes(value), `${value} is not stored`);
    }
    assert.doesNotMatch(String(stored?.raw), /<(Mobile|Gender|Email|BizMail|Telephone|Address|ExtAttr)>/);
    assert.match(String(stored?.raw), /<Name><!\[CDATA\[张三]]><\/Name>/);
    assert.match(String(stored?.raw), /<Avatar>/);

    await testProcessor().drain();
    const employee = await Employee.findOne({ userId: "zhangsan" }).lean();
    assert.deepEqual(
      [employee?.name, employee?.departmentIds, employee?.mainDepartmentId, employee?.position, employee?.wecomStatus],
      ["张三", [2, 3], 2, "导购", 1],
    );
  });

  it("should strip them from a change_contact it keeps as ignored too", async () => {
    assert.equal((await deliver(context.server.url, createUser("some_new_type"))).status, 200);
    const stored = await Event.findOne().lean();
    assert.equal(stored?.status, "ignored");
    for (const value of PERSONAL) {
      assert.ok(!`${stored?.raw} ${JSON.stringify(stored?.payload)}`.includes(value), `${value} is not stored`);
    }
  });
});
