import assert from "node:assert/strict";
import { Customer } from "../../server/models/Customer.ts";
import { Event } from "../../server/models/Event.ts";
import { Group } from "../../server/models/Group.ts";
import { GroupDailyCount } from "../../server/models/GroupDailyCount.ts";
import type { ListedGroup, PresentedGroup, PresentedGroupDay } from "../../server/presenters/group.ts";
import { handlerFor } from "../../server/workers/eventHandlers.ts";
import { chatEventXml, deliver } from "../support/callbacks.ts";
import { anEmployee, aStore } from "../support/factories.ts";
import { consoleGet, testProcessor, testWeComClient, useTestServer } from "../support/server.ts";
import { loginAs } from "../support/sessions.ts";
import { ACCESS_TOKEN, nockToken, wecomApi } from "../support/wecomNock.ts";

const NOW = new Date("2026-05-10T12:00:00+08:00");
const at = (text: string) => Math.floor(new Date(text).getTime() / 1000);
const customerIn = (id: string) => ({ id, type: "customer", status: "in", joinScene: 3 });

describe("GET /api/console/groups", () => {
  const context = useTestServer({ now: () => NOW });
  beforeEach(async () => {
    await aStore(101, "上海静安店");
    await aStore(102, "北京三里屯店");
    await anEmployee("guideA", { name: "张导购", departmentIds: [101] });
    await anEmployee("guideB", { name: "李导购", departmentIds: [102] });
    const groups: [string, string, string, object[], "active" | "dismissed", Date][] = [
      ["chat1", "静安会员群", "guideA", [{ id: "guideA", type: "employee", status: "in" }, customerIn("wm1"), customerIn("wm2")], "active", new Date("2026-01-01")],
      ["chat2", "静安福利群", "guideA", [customerIn("wm3")], "dismissed", new Date("2026-02-01")],
      ["chat3", "三里屯会员群", "guideB", [customerIn("wm4"), { ...customerIn("wm5"), status: "left" }], "active", new Date("2026-03-01")],
    ];
    for (const [chatId, name, ownerId, members, status, createdAtWeCom] of groups) {
      await Group.create({ chatId, name, ownerId, members, status, createdAtWeCom });
    }
    // Counters kept on write: 3 joins and 1 leave this week, and a join a month ago that is not growth.
    await GroupDailyCount.create([
      { _id: "chat1:2026-05-09", chatId: "chat1", day: "2026-05-09", joins: 3, leaves: 1 },
      { _id: "chat1:2026-04-01", chatId: "chat1", day: "2026-04-01", joins: 5, leaves: 0 },
    ]);
  });

  const list = async (query: string) => {
    const response = await consoleGet(context.server, `/api/console/groups${query}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const body = response.body as unknown as { data: ListedGroup[]; pagination: { total: number } };
    return { ids: body.data.map((row) => row.chatId), total: body.pagination.total, rows: body.data };
  };

  it("should list groups newest first with the owner's name, member counts, growth and no funnel yet", async () => {
    const { ids, rows, total } = await list("");
    assert.deepEqual(ids, ["chat3", "chat2", "chat1"]);
    assert.equal(total, 3);
    const chat1 = rows.find((row) => row.chatId === "chat1");
    assert.deepEqual(
      { ownerName: chat1?.ownerName, memberCount: chat1?.memberCount, customerCount: chat1?.customerCount, growth7d: chat1?.growth7d, funnel: chat1?.funnel },
      { ownerName: "张导购", memberCount: 3, customerCount: 2, growth7d: 2, funnel: null },
    );
    assert.equal(rows.find((row) => row.chatId === "chat3")?.memberCount, 1);
  });

  it("should filter by name, owner, store and status, and page with the total", async () => {
    assert.deepEqual((await list("?q=会员")).ids, ["chat3", "chat1"]);
    assert.deepEqual((await list("?owner=guideA")).ids, ["chat2", "chat1"]);
    assert.deepEqual((await list("?storeId=102")).ids, ["chat3"]);
    assert.deepEqual((await list("?status=dismissed")).ids, ["chat2"]);
    const second = await list("?page=2&pageSize=2");
    assert.deepEqual(second.ids, ["chat1"]);
    assert.equal(second.total, 3);
    const unknown = await consoleGet(context.server, "/api/console/groups?owner=nobody");
    assert.equal(unknown.body.message, "owner: 找不到该导购");
  });

  it("should show a manager only the groups their stores' guides own", async () => {
    const manager = await loginAs(context.server, { userId: "mgr102", role: "manager", scopeStoreIds: ["102"], departmentIds: [102] });
    const answer = await manager.get("/api/console/groups");
    assert.deepEqual((answer.body.data as ListedGroup[]).map((row) => row.chatId), ["chat3"]);
    assert.equal((answer.body.pagination as { total: number }).total, 1);
    assert.equal((await manager.get("/api/console/groups/chat1")).status, 403);
    assert.equal((await manager.get("/api/console/groups/chat1/daily")).status, 403);
  });

  it("should name the members on the group page", async () => {
    await Customer.create({ externalUserId: "wm1", name: "王小姐" });
    const response = await consoleGet(context.server, "/api/console/groups/chat1");
    const group = response.body.data as PresentedGroup;
    assert.equal(group.ownerName, "张导购");
    assert.deepEqual(group.memberNames, { guideA: "张导购", wm1: "王小姐", wm2: "" });
  });

  it("should answer joins and leaves for every day of the range, 30 days by default", async () => {
    const response = await consoleGet(context.server, "/api/console/groups/chat1/daily?from=2026-05-08&to=2026-05-10");
    assert.deepEqual(response.body.data as PresentedGroupDay[], [
      { day: "2026-05-08", joins: 0, leaves: 0 },
      { day: "2026-05-09", joins: 3, leaves: 1 },
      { day: "2026-05-10", joins: 0, leaves: 0 },
    ]);
    const defaults = (await consoleGet(context.server, "/api/console/groups/chat1/daily")).body.data as PresentedGroupDay[];
    assert.equal(defaults.length, 30);
    assert.equal(defaults.at(-1)?.day, "2026-05-10");
    const backwards = await consoleGet(context.server, "/api/console/groups/chat1/daily?from=2026-05-10&to=2026-05-01");
    assert.equal(backwards.status, 400);
    assert.equal(backwards.body.message, "to: 结束日期不能早于开始日期");
  });
});

describe("group joins and leaves by day, counted on write", () => {
  const context = useTestServer();
  const CHAT = "wrDailyCountChat0001";
  beforeEach(() => nockToken());

  const groupChat = (version: string, members: object[]) => ({
    errcode: 0,
    errmsg: "ok",
    group_chat: { chat_id: CHAT, name: "会员群", owner: "zhangsan", create_time: 1_700_000_000, notice: "", admin_list: [], member_version: version, member_list: members },
  });
  const owner = { userid: "zhangsan", type: 1, join_time: 1_700_000_000, join_scene: 1 };

  it("should count a join once when the event is delivered twice and processed again", async () => {
    const processor = testProcessor();
    wecomApi().post("/cgi-bin/externalcontact/groupchat/get").query({ access_token: ACCESS_TOKEN }).reply(200, groupChat("v1", [owner]));
    await deliver(context.server.url, chatEventXml("create", { ChatId: CHAT, CreateTime: at("2026-05-09T09:00:00+08:00") }));
    await processor.drain();
    const join = chatEventXml("update", {
      ChatId: CHAT,
      UpdateDetail: "add_member",
      JoinScene: 3,
      MemChangeCnt: 2,
      MemChangeList: ["wmJoiner00000001", "wmJoiner00000002"],
      LastMemVer: "v1",
      CurMemVer: "v2",
      // 23:30 in China is still the 9th there, though the 9th has ended nowhere else yet.
      CreateTime: at("2026-05-09T23:30:00+08:00"),
    });
    await deliver(context.server.url, join);
    await deliver(context.server.url, join);
    await processor.drain();
    // A process that died after counting runs the same stored event again: the version moved on,
    // so the group is re-read, and the count stays.
    const reread = wecomApi()
      .post("/cgi-bin/externalcontact/groupchat/get")
      .query({ access_token: ACCESS_TOKEN })
      .reply(200, groupChat("v2", [owner, { userid: "wmJoiner00000001", type: 2, join_time: 1, join_scene: 3 }, { userid: "wmJoiner00000002", type: 2, join_time: 1, join_scene: 3 }]));
    const stored = await Event.findOne({ changeType: "update" }).lean();
    assert.ok(stored);
    await handlerFor("change_external_chat", "update")?.(stored, { wecom: testWeComClient(), now: () => new Date() });
    assert.ok(reread.isDone());
    const leave = chatEventXml("update", { ChatId: CHAT, UpdateDetail: "del_member", QuitScene: 0, MemChangeCnt: 1, MemChangeList: ["wmJoiner00000001"], LastMemVer: "v2", CurMemVer: "v3", CreateTime: at("2026-05-10T08:00:00+08:00") });
    await deliver(context.server.url, leave);
    await processor.drain();
    const days = (await consoleGet(context.server, `/api/console/groups/${CHAT}/daily?from=2026-05-09&to=2026-05-10`)).body.data;
    assert.deepEqual(days, [
      { day: "2026-05-09", joins: 2, leaves: 0 },
      { day: "2026-05-10", joins: 0, leaves: 1 },
    ]);
  });
});
