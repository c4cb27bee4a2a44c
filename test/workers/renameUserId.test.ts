import assert from "node:assert/strict";
import { Employee } from "../../server/models/Employee.ts";
import { Event } from "../../server/models/Event.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Group } from "../../server/models/Group.ts";
import { Member } from "../../server/models/Member.ts";
import type { EventProcessor } from "../../server/workers/eventProcessor.ts";
import { callbackXml, deliver } from "../support/callbacks.ts";
import { testProcessor, useTestServer } from "../support/server.ts";
import { SAMPLE } from "../support/wecomSecrets.ts";

const directory = (changeType: string, createTime: number, fields: Record<string, string>) =>
  callbackXml({ ToUserName: SAMPLE.receiveId, FromUserName: "sys", CreateTime: createTime, MsgType: "event", Event: "change_contact", ChangeType: changeType, ...fields });

const renameXml = directory("update_user", 2, { UserID: "old_id", NewUserID: "new_id", Position: "店长" });

// update_user with NewUserID must converge however often it runs: WeCom's retries are deduped,
// but a processor that dies after the handler's writes and before marking the event done leaves
// it for the next process, which handles it again.
describe("change_contact update_user renaming a userid, processed more than once", () => {
  const context = useTestServer();
  let processor: EventProcessor;
  beforeEach(() => {
    processor = testProcessor();
  });

  /** As after a crash: the event is unfinished again and the next processor picks it up. */
  const processAgain = async () => {
    const rename = await Event.findOne({ changeType: "update_user" }).lean();
    await Event.updateOne({ _id: rename?._id }, { $set: { status: "processing" } });
    assert.equal(await processor.requeueOrphans(), 1);
    await processor.drain();
  };

  const renameStatus = async () => (await Event.findOne({ changeType: "update_user" }).lean())?.status;

  it("should end done with the employee, follows, groups and members under the new userid", async () => {
    await deliver(context.server.url, directory("create_user", 1, { UserID: "old_id", Name: "王五", Department: "2" }));
    await processor.drain();
    await Employee.updateOne({ userId: "old_id" }, { $set: { role: "manager", scopeStoreIds: ["2"] } });
    await Follow.create([
      { externalUserId: "wmC1", userId: "old_id", state: "store_001" },
      { externalUserId: "wmC2", userId: "old_id", status: "deleted_by_customer" },
    ]);
    await Group.create({
      chatId: "wrG1",
      ownerId: "old_id",
      adminIds: ["old_id"],
      members: [{ id: "old_id", type: "employee" }, { id: "wmC1", type: "customer" }],
    });
    await Member.collection.insertOne({ memberNo: "M1", levelCode: "normal", guideUserIds: ["old_id", "zhangsan"] });

    await deliver(context.server.url, renameXml);
    await processor.drain();
    assert.equal(await renameStatus(), "done");
    await processAgain();
    assert.equal(await renameStatus(), "done");
    await processAgain();
    assert.equal(await renameStatus(), "done");

    const employees = await Employee.find().lean();
    assert.deepEqual(
      employees.map((employee) => [employee.userId, employee.name, employee.position, employee.departmentIds, employee.role, employee.scopeStoreIds]),
      [["new_id", "王五", "店长", [2], "manager", ["2"]]],
    );
    const follows = await Follow.find().sort({ externalUserId: 1 }).lean();
    assert.deepEqual(
      follows.map((follow) => [follow.externalUserId, follow.userId, follow.state, follow.status]),
      [
        ["wmC1", "new_id", "store_001", "active"],
        ["wmC2", "new_id", "", "deleted_by_customer"],
      ],
    );
    const group = await Group.findOne({ chatId: "wrG1" }).lean();
    assert.deepEqual([group?.ownerId, group?.adminIds, group?.members.map((member) => member.id)], ["new_id", ["new_id"], ["new_id", "wmC1"]]);
    assert.deepEqual((await Member.findOne({ memberNo: "M1" }).lean())?.guideUserIds.sort(), ["new_id", "zhangsan"]);
  });

  it("should merge a customer's follows of the old and the new userid into one under the new userid", async () => {
    // The rename reached WeCom first: the customer's lane re-read the customer under new_id
    // while the directory lane had not yet handled the rename.
    await Employee.create([
      { userId: "old_id", name: "王五", role: "manager", scopeStoreIds: ["2"] },
      { userId: "new_id", name: "王五" },
    ]);
    await Follow.create([
      {
        externalUserId: "wmC1",
        userId: "old_id",
        remark: "旧备注",
        state: "store_001",
        addWay: 1,
        tagIds: ["etOld"],
        addedAt: new Date("2024-01-01T00:00:00Z"),
      },
      {
        externalUserId: "wmC1",
        userId: "new_id",
        remark: "新备注",
        state: "store_001",
        addWay: 1,
        tagIds: ["etNew"],
        addedAt: new Date("2024-01-01T00:00:00Z"),
      },
      // Known under new_id only from a transfer_fail event: what WeCom said under old_id fills it.
      { externalUserId: "wmC2", userId: "old_id", remark: "老客户", state: "store_002", addedAt: new Date("2023-05-01T00:00:00Z") },
      { externalUserId: "wmC2", userId: "new_id", transferFailure: { reason: "customer_refused", at: new Date("2024-02-01T00:00:00Z") } },
      // Deleted under old_id, then re-added: WeCom's later read under new_id says active.
      { externalUserId: "wmC3", userId: "old_id", status: "deleted_by_customer", statusChangedAt: new Date("2023-06-01T00:00:00Z") },
      { externalUserId: "wmC3", userId: "new_id", status: "active", addedAt: new Date("2024-03-01T00:00:00Z") },
    ]);

    await deliver(context.server.url, renameXml);
    await processor.drain();
    assert.equal(await renameStatus(), "done");
    await processAgain();
    assert.equal(await renameStatus(), "done");

    assert.deepEqual(
      (await Employee.find().lean()).map((employee) => [employee.userId, employee.position, employee.role, employee.scopeStoreIds]),
      [["new_id", "店长", "manager", ["2"]]],
    );
    const follows = await Follow.find().sort({ externalUserId: 1 }).lean();
    assert.deepEqual(
      follows.map((follow) => [follow.externalUserId, follow.userId, follow.remark, follow.state, follow.tagIds, follow.status, follow.transferFailure?.reason ?? null]),
      [
        ["wmC1", "new_id", "新备注", "store_001", ["etNew"], "active", null],
        ["wmC2", "new_id", "老客户", "store_002", [], "active", "customer_refused"],
        ["wmC3", "new_id", "", "", [], "active", null],
      ],
    );
  });

  it("should converge when the handler died between merging a follow and removing the old one", async () => {
    // What a first run leaves if it stops after writing the merged follow: both still exist.
    await Employee.create({ userId: "new_id", name: "王五" });
    await Follow.create([
      { externalUserId: "wmC1", userId: "old_id", remark: "旧备注", addedAt: new Date("2024-01-01T00:00:00Z") },
      { externalUserId: "wmC1", userId: "new_id", remark: "旧备注", addedAt: new Date("2024-01-01T00:00:00Z") },
    ]);
    await deliver(context.server.url, renameXml);
    await processor.drain();
    assert.equal(await renameStatus(), "done");
    assert.deepEqual(
      (await Follow.find().lean()).map((follow) => [follow.userId, follow.remark]),
      [["new_id", "旧备注"]],
    );
    assert.deepEqual((await Employee.find().lean()).map((employee) => [employee.userId, employee.position]), [["new_id", "店长"]]);
  });
});
