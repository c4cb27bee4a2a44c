import assert from "node:assert/strict";
import { Customer } from "../../server/models/Customer.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Event } from "../../server/models/Event.ts";
import type { EventProcessor } from "../../server/workers/eventProcessor.ts";
import { chatEventXml, deliver } from "../support/callbacks.ts";
import { consoleGet, testProcessor, useTestServer } from "../support/server.ts";
import { ACCESS_TOKEN, nockToken, wecomApi } from "../support/wecomNock.ts";

const CHAT = "wrOgQhDgAAMYQiS5ol9G7gK9JVAAAA";

interface GroupBody {
  data: {
    chatId: string;
    name: string;
    ownerId: string;
    status: string;
    members: { id: string; type: string; joinScene: number | null; joinedAt: string | null; invitorId: string | null; status: string; quitScene: number | null }[];
  };
}

function groupChat(overrides: { name?: string; owner?: string; member_version?: string; members?: object[] } = {}) {
  return {
    errcode: 0,
    errmsg: "ok",
    group_chat: {
      chat_id: CHAT,
      name: overrides.name ?? "会员福利群1",
      owner: overrides.owner ?? "zhangsan",
      create_time: 1_700_000_000,
      notice: "每周五上新",
      admin_list: [{ userid: "lisi" }],
      member_version: overrides.member_version ?? "v1",
      member_list: overrides.members ?? [
        { userid: "zhangsan", type: 1, join_time: 1_700_000_000, join_scene: 1 },
        { userid: "wmCustomer0001", type: 2, join_time: 1_700_000_100, join_scene: 3, invitor: { userid: "zhangsan" } },
      ],
    },
  };
}

describe("change_external_chat events", () => {
  const context = useTestServer();
  let processor: EventProcessor;
  beforeEach(async () => {
    processor = testProcessor();
    nockToken();
  });

  const group = async () => {
    const response = await consoleGet(context.server, `/api/console/groups/${CHAT}`);
    assert.equal(response.status, 200);
    return (response.body as unknown as GroupBody).data;
  };
  const createGroup = async () => {
    const get = wecomApi()
      .post("/cgi-bin/externalcontact/groupchat/get", { chat_id: CHAT, need_name: 1 })
      .query({ access_token: ACCESS_TOKEN })
      .reply(200, groupChat());
    await deliver(context.server.url, chatEventXml("create", { ChatId: CHAT, CreateTime: 1_700_000_000 }));
    await processor.drain();
    assert.ok(get.isDone());
  };

  it("should fetch the group on create", async () => {
    await createGroup();
    const stored = await group();
    assert.equal(stored.name, "会员福利群1");
    assert.equal(stored.ownerId, "zhangsan");
    assert.equal(stored.status, "active");
    assert.deepEqual(stored.members, [
      { id: "zhangsan", type: "employee", joinScene: 1, joinedAt: "2023-11-14T22:13:20.000Z", invitorId: null, status: "in", quitScene: null, leftAt: null },
      { id: "wmCustomer0001", type: "customer", joinScene: 3, joinedAt: "2023-11-14T22:15:00.000Z", invitorId: "zhangsan", status: "in", quitScene: null, leftAt: null },
    ]);
  });

  it("should apply a member join as a delta when the member version matches, without calling WeCom", async () => {
    await createGroup();
    // A customer we know: the join is recorded on it too, so the sidebar reads its groups by key.
    await Customer.create({ externalUserId: "wmNewMember0002", name: "新群友" });
    await deliver(
      context.server.url,
      chatEventXml("update", {
        ChatId: CHAT,
        UpdateDetail: "add_member",
        JoinScene: 3,
        MemChangeCnt: 1,
        MemChangeList: ["wmNewMember0002"],
        LastMemVer: "v1",
        CurMemVer: "v2",
        CreateTime: 1_700_000_500,
      }),
    );
    // No interceptor for groupchat/get: a re-read would fail the event.
    await processor.drain();
    assert.equal((await Event.findOne({ changeType: "update" }).lean())?.status, "done");
    const joined = (await group()).members.find((member) => member.id === "wmNewMember0002");
    assert.deepEqual(joined, {
      id: "wmNewMember0002",
      type: "customer",
      joinScene: 3,
      joinedAt: "2023-11-14T22:21:40.000Z",
      invitorId: null,
      status: "in",
      quitScene: null,
      leftAt: null,
    });
    assert.deepEqual((await Customer.findOne({ externalUserId: "wmNewMember0002" }).lean())?.groupChatIds, [CHAT]);
  });

  it("should apply a leave with its quit scene", async () => {
    await createGroup();
    await deliver(
      context.server.url,
      chatEventXml("update", {
        ChatId: CHAT,
        UpdateDetail: "del_member",
        QuitScene: 1,
        MemChangeCnt: 1,
        MemChangeList: ["wmCustomer0001"],
        LastMemVer: "v1",
        CurMemVer: "v2",
        CreateTime: 1_700_000_600,
      }),
    );
    await processor.drain();
    const left = (await group()).members.find((member) => member.id === "wmCustomer0001");
    assert.equal(left?.status, "left");
    assert.equal(left?.quitScene, 1);
  });

  it("should re-read the whole group when the member version does not match", async () => {
    await createGroup();
    const reread = wecomApi()
      .post("/cgi-bin/externalcontact/groupchat/get")
      .query(true)
      .reply(
        200,
        groupChat({
          member_version: "v9",
          members: [
            { userid: "zhangsan", type: 1, join_time: 1_700_000_000, join_scene: 1 },
            { userid: "wmLate0003", type: 2, join_time: 1_700_000_700, join_scene: 2, invitor: { userid: "lisi" } },
          ],
        }),
      );
    await deliver(
      context.server.url,
      chatEventXml("update", {
        ChatId: CHAT,
        UpdateDetail: "add_member",
        JoinScene: 0,
        MemChangeList: ["wmLate0003"],
        LastMemVer: "v7",
        CurMemVer: "v9",
        CreateTime: 1_700_000_700,
      }),
    );
    await processor.drain();
    assert.ok(reread.isDone());
    const members = Object.fromEntries((await group()).members.map((member) => [member.id, [member.status, member.joinScene, member.invitorId]]));
    // The customer missing from the re-read left; the newcomer carries groupchat/get's scene and invitor.
    assert.deepEqual(members, {
      zhangsan: ["in", 1, null],
      wmLate0003: ["in", 2, "lisi"],
      wmCustomer0001: ["left", 3, "zhangsan"],
    });
  });

  it("should re-read on owner, name and notice changes", async () => {
    await createGroup();
    for (const [detail, at] of [["change_owner", 10], ["change_name", 20], ["change_notice", 30]] as const) {
      wecomApi()
        .post("/cgi-bin/externalcontact/groupchat/get")
        .query(true)
        .reply(200, groupChat({ name: `群-${detail}`, owner: "wangwu" }));
      await deliver(context.server.url, chatEventXml("update", { ChatId: CHAT, UpdateDetail: detail, CreateTime: 1_700_001_000 + at }));
    }
    await processor.drain();
    const stored = await group();
    assert.equal(stored.name, "群-change_notice");
    assert.equal(stored.ownerId, "wangwu");
  });

  it("should tell employees from customers in a delta by the directory", async () => {
    await createGroup();
    await Employee.create({ userId: "guide_wang", name: "王导购" });
    await deliver(
      context.server.url,
      chatEventXml("update", {
        ChatId: CHAT,
        UpdateDetail: "add_member",
        JoinScene: 0,
        MemChangeList: ["guide_wang"],
        LastMemVer: "v1",
        CurMemVer: "v2",
        CreateTime: 1_700_000_800,
      }),
    );
    await processor.drain();
    const guide = (await group()).members.find((member) => member.id === "guide_wang");
    assert.equal(guide?.type, "employee");
    assert.equal(guide?.joinScene, 0);
  });

  it("should mark the group dismissed", async () => {
    await createGroup();
    await deliver(context.server.url, chatEventXml("dismiss", { ChatId: CHAT, CreateTime: 1_700_009_000 }));
    await processor.drain();
    assert.equal((await group()).status, "dismissed");
  });

  it("should answer 404 for an unknown group", async () => {
    const response = await consoleGet(context.server, "/api/console/groups/wrUnknown");
    assert.equal(response.status, 404);
    assert.equal(response.body.error, "not_found");
  });
});
