// 群发 to the customer groups of chosen owners (指定群主): the owner picker's list, the count, the
// WeCom tasks (one per picked owner, chat_type group, only their active groups), the names on the
// detail, and the refusal of 指定群主 with nobody picked. nock stands in for WeCom.
import assert from "node:assert/strict";
import massMessageDispatcher from "../../server/commands/massMessageDispatcher.ts";
import massMessagePlanner from "../../server/commands/massMessagePlanner.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Group } from "../../server/models/Group.ts";
import { MassMessage } from "../../server/models/MassMessage.ts";
import { loginAs } from "../support/sessions.ts";
import { consoleGet, consoleSend, testWeComClient, useTestServer } from "../support/server.ts";
import { nockToken, wecomApi } from "../support/wecomNock.ts";

const NOW = new Date("2026-12-05T02:00:00Z");
const PREVIEW = "/api/console/mass-messages/preview";

describe("mass messages to the groups of chosen owners", () => {
  const context = useTestServer({ now: () => NOW });
  beforeEach(async () => {
    nockToken();
    await Employee.create([
      { userId: "guide-a", name: "张导购", departmentIds: [101], mainDepartmentId: 101 },
      { userId: "guide-b", name: "李导购", departmentIds: [101], mainDepartmentId: 101 },
      { userId: "guide-c", name: "王导购", departmentIds: [102], mainDepartmentId: 102 },
      { userId: "guide-d", name: "赵导购", departmentIds: [101], mainDepartmentId: 101 },
      { userId: "guide-e", name: "钱导购", departmentIds: [101], mainDepartmentId: 101 },
    ]);
    // guide-d owns no group; guide-e only a dismissed one.
    await Group.create([
      { chatId: "chat-a1", name: "静安会员群 1", ownerId: "guide-a" },
      { chatId: "chat-a2", name: "静安会员群 2", ownerId: "guide-a" },
      { chatId: "chat-a-old", name: "已解散", ownerId: "guide-a", status: "dismissed" },
      { chatId: "chat-b1", name: "静安福利群", ownerId: "guide-b" },
      { chatId: "chat-c1", name: "徐汇会员群", ownerId: "guide-c" },
      { chatId: "chat-e-old", name: "已解散 2", ownerId: "guide-e", status: "dismissed" },
    ]);
  });

  const owners = (ownerIds: string[], groupScope = "owners") => ({ kind: "groups", ownerIds, groupScope });
  const body = (audience: Record<string, unknown>) => ({ name: "静安门店群公告", text: "各位群友，本周六会员日", audience });

  it("should list as owners only employees with an active group, a manager only those in their stores", async () => {
    const all = await consoleGet(context.server, "/api/console/employees?groupOwners=true&pageSize=50");
    assert.deepEqual((all.body["data"] as { userId: string }[]).map((employee) => employee.userId), ["guide-a", "guide-b", "guide-c"]);
    const named = await consoleGet(context.server, `/api/console/employees?groupOwners=true&q=${encodeURIComponent("李")}`);
    assert.deepEqual((named.body["data"] as { name: string }[]).map((employee) => employee.name), ["李导购"]);
    const manager = await loginAs(context.server, { userId: "mgr-1", role: "manager", scopeStoreIds: ["101"], departmentIds: [101] });
    const scoped = await manager.get("/api/console/employees?groupOwners=true");
    assert.deepEqual((scoped.body["data"] as { userId: string }[]).map((employee) => employee.userId), ["guide-a", "guide-b"]);
  });

  it("should count the picked owners' active groups, and every group for 全部客户群 whatever ownerIds say", async () => {
    const count = async (audience: Record<string, unknown>) => (await consoleSend(context.server, "POST", PREVIEW, { audience })).body["data"];
    assert.deepEqual(await count(owners(["guide-a", "guide-b"])), { count: 3 });
    assert.deepEqual(await count(owners(["guide-c"])), { count: 1 });
    assert.deepEqual(await count(owners(["guide-a"], "all")), { count: 4 });
    assert.deepEqual(await count({ kind: "groups", ownerIds: [] }), { count: 4 });
    // Without groupScope (older callers) a non-empty ownerIds still limits the groups.
    assert.deepEqual(await count({ kind: "groups", ownerIds: ["guide-b"] }), { count: 1 });
  });

  it("should refuse 指定群主 with nobody picked in Chinese naming the field, creating nothing", async () => {
    const created = await consoleSend(context.server, "POST", "/api/console/mass-messages", body(owners([])));
    assert.equal(created.status, 400, JSON.stringify(created.body));
    assert.match(String(created.body["message"]), /^audience\.ownerIds: 请选择群主$/);
    const preview = await consoleSend(context.server, "POST", PREVIEW, { audience: owners([]) });
    assert.equal(preview.status, 400);
    assert.match(String(preview.body["message"]), /^audience\.ownerIds: 请选择群主$/);
    const badScope = await consoleSend(context.server, "POST", PREVIEW, { audience: owners(["guide-a"], "some") });
    assert.match(String(badScope.body["message"]), /^audience\.groupScope: 客户群范围应为全部客户群或指定群主/);
    assert.equal(await MassMessage.countDocuments({}), 0);
  });

  it("should hand WeCom one group task per picked owner with only their active groups, and name them on the detail", async () => {
    const created = await consoleSend(context.server, "POST", "/api/console/mass-messages", body(owners(["guide-b", "guide-a"])));
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = (created.body["data"] as { id: string }).id;
    const sent = await consoleSend(context.server, "POST", `/api/console/mass-messages/${id}/send`, {});
    assert.equal((sent.body["data"] as { status: string }).status, "scheduled");

    // The job's two steps, run here directly: waiting on a live scheduler also waits on every
    // other job it picked up, which makes the test slow and flaky.
    const plan = await massMessagePlanner({ massMessageId: id, now: NOW });
    assert.deepEqual(plan, { planned: 3, unreachable: 0, guides: 2, tasks: 2 });
    const calls: Record<string, unknown>[] = [];
    const scope = wecomApi()
      .post("/cgi-bin/externalcontact/add_msg_template")
      .query(true)
      .times(2)
      .reply(200, (_uri, request) => {
        calls.push(request as Record<string, unknown>);
        return { errcode: 0, errmsg: "ok", msgid: `msg-${String((request as Record<string, unknown>)["sender"])}`, fail_list: [] };
      });
    const result = await massMessageDispatcher({ wecom: testWeComClient(), massMessageId: id, now: () => NOW });
    scope.done();
    assert.equal(result.status, "sent");
    const bySender = calls.map((call) => [call["sender"], call["chat_type"], [...(call["chat_id_list"] as string[])].sort()]).sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    assert.deepEqual(bySender, [
      ["guide-a", "group", ["chat-a1", "chat-a2"]],
      ["guide-b", "group", ["chat-b1"]],
    ]);

    const detail = await consoleGet(context.server, `/api/console/mass-messages/${id}`);
    const data = detail.body["data"] as { status: string; progress: Record<string, number>; audience: { ownerIds: string[]; ownerNames: string[] } };
    assert.equal(data.status, "sent");
    assert.deepEqual(data.progress, { planned: 3, unreachable: 0, guides: 2, tasks: 2, tasksCreated: 2, tasksFailed: 0 });
    assert.deepEqual(data.audience.ownerIds, ["guide-b", "guide-a"]);
    assert.deepEqual(data.audience.ownerNames, ["李导购", "张导购"]);
  });
});
