import assert from "node:assert/strict";
import corpTagMirror from "../../server/commands/corpTagMirror.ts";
import customerSyncer from "../../server/commands/customerSyncer.ts";
import directorySyncer from "../../server/commands/directorySyncer.ts";
import { WeComApiError } from "../../server/errors.ts";
import { Customer } from "../../server/models/Customer.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { TagGroup } from "../../server/models/TagGroup.ts";
import { SANDBOX_AGENT_SECRET, SANDBOX_CONTACT_SECRET, SANDBOX_CORP_ID } from "../../server/sandbox/config.ts";
import {
  addSandboxGroupMember,
  SandboxCustomer,
  SandboxDepartment,
  SandboxFollow,
  SandboxGroup,
  SandboxMessage,
  SandboxOAuthCode,
  SandboxTagGroup,
  SandboxUser,
} from "../../server/sandbox/models/index.ts";
import { startWeComStandIn, type WeComStandIn } from "../../server/sandbox/wecomApi/index.ts";
import { WeComClient } from "../../server/wecom/client.ts";
import { resetDatabase } from "../support/hooks.ts";

const DAY_MS = 24 * 3600 * 1000;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const T0 = new Date("2025-03-01T02:00:00Z");
const T0_SECONDS = Math.floor(T0.getTime() / 1000);

/** The product's own client, configured exactly as production would be, but at the stand-in. */
function productClient(standIn: WeComStandIn): WeComClient {
  return new WeComClient({
    baseUrl: standIn.url,
    corpId: SANDBOX_CORP_ID,
    secrets: { contact: SANDBOX_CONTACT_SECRET, agent: SANDBOX_AGENT_SECRET },
    retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 2 },
  });
}

interface WeComAnswer {
  errcode: number;
  errmsg: string;
  access_token?: string;
  expires_in?: number;
  type?: string;
  media_id?: string;
}

async function fetchJson(url: string, init?: RequestInit): Promise<WeComAnswer> {
  return (await (await fetch(url, init)).json()) as WeComAnswer;
}

async function errcodeOf(promise: Promise<unknown>): Promise<number> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WeComApiError) {
      return error.errcode;
    }
    throw error;
  }
  throw new Error("expected a WeCom error");
}

async function seedCorp(): Promise<void> {
  await SandboxDepartment.create([
    { id: 1, name: "Sandbox Retail", parentid: 0, order: 100 },
    { id: 2, name: "Store A", parentid: 1, order: 90 },
  ]);
  await SandboxUser.create([
    { userid: "guide1", name: "Guide One", department: [2], main_department: 2, position: "导购" },
    { userid: "manager1", name: "Manager", department: [1], main_department: 1, position: "店长" },
  ]);
  await SandboxTagGroup.create({
    group_id: "etGROUP1",
    group_name: "Level",
    order: 1,
    create_time: T0_SECONDS,
    tag: [
      { id: "etTAG_GOLD", name: "Gold", order: 2, create_time: T0_SECONDS },
      { id: "etTAG_SILVER", name: "Silver", order: 1, create_time: T0_SECONDS },
    ],
  });
  await SandboxCustomer.create({ external_userid: "wmCUSTOMER1", name: "Alice", avatar: "http://a/1.png", gender: 2, unionid: "ozUNION1" });
}

async function seedFollow(overrides: Record<string, unknown> = {}): Promise<void> {
  await SandboxFollow.create({
    external_userid: "wmCUSTOMER1",
    userid: "guide1",
    createtime: T0_SECONDS,
    state: "store-a",
    remark: "Alice VIP",
    tags: ["etTAG_SILVER"],
    oper_userid: "wmCUSTOMER1",
    ...overrides,
  });
}

describe("sandbox WeCom API stand-in", () => {
  let standIn: WeComStandIn;
  let wecom: WeComClient;

  beforeEach(async () => {
    await resetDatabase();
    await seedCorp();
    standIn = await startWeComStandIn({ host: "127.0.0.1", port: 0 });
    wecom = productClient(standIn);
  });

  afterEach(async () => {
    await standIn.close();
  });

  describe("gettoken and the access_token", () => {
    it("should give each sandbox secret its own token and refuse bad credentials", async () => {
      const token = (query: string) => fetchJson(`${standIn.url}/cgi-bin/gettoken?${query}`);
      const contact = await token(`corpid=${SANDBOX_CORP_ID}&corpsecret=${SANDBOX_CONTACT_SECRET}`);
      const agent = await token(`corpid=${SANDBOX_CORP_ID}&corpsecret=${SANDBOX_AGENT_SECRET}`);
      assert.equal(contact.errcode, 0);
      assert.equal(contact.errmsg, "ok");
      assert.equal(contact.expires_in, 7200);
      assert.notEqual(contact.access_token, agent.access_token);
      assert.equal((await token(`corpid=${SANDBOX_CORP_ID}&corpsecret=nope`)).errcode, 40001);
      assert.equal((await token(`corpid=wwother&corpsecret=${SANDBOX_CONTACT_SECRET}`)).errcode, 40013);
    });

    it("should answer 41001 without a token and 40014 for a forged one", async () => {
      const call = (query: string) => fetchJson(`${standIn.url}/cgi-bin/user/get?userid=guide1${query}`);
      assert.equal((await call("")).errcode, 41001);
      assert.equal((await call("&access_token=forged.token")).errcode, 40014);
    });

    it("should answer 48001 for a path it does not implement and 40058 for GET on a POST API", async () => {
      assert.equal(await errcodeOf(wecom.get("/cgi-bin/kf/account/list")), 48001);
      assert.equal(await errcodeOf(wecom.get("/cgi-bin/externalcontact/mark_tag")), 40058);
      assert.equal((await fetch(`${standIn.url}/elsewhere`)).status, 404);
    });

    it("should name the first invalid field of a body", async () => {
      const error = await wecom.post("/cgi-bin/externalcontact/mark_tag", { userid: 42 }).catch((caught: unknown) => caught);
      assert.ok(error instanceof WeComApiError);
      assert.equal(error.errcode, 40058);
      assert.match(error.message, /userid/);
    });

    it("should refuse to listen beyond loopback", async () => {
      await assert.rejects(startWeComStandIn({ host: "0.0.0.0" }), /loopback/);
    });
  });

  describe("external contacts", () => {
    it("should answer 84061 before a follow exists and the customer with its follow after", async () => {
      assert.equal(await errcodeOf(wecom.get("/cgi-bin/externalcontact/get", { external_userid: "wmCUSTOMER1" })), 84061);
      assert.equal(await errcodeOf(wecom.get("/cgi-bin/externalcontact/get", { external_userid: "wmNOBODY" })), 40096);
      await seedFollow();
      const answer = await wecom.get<Record<string, unknown>>("/cgi-bin/externalcontact/get", { external_userid: "wmCUSTOMER1" });
      assert.deepEqual(answer, {
        errcode: 0,
        errmsg: "ok",
        external_contact: { external_userid: "wmCUSTOMER1", name: "Alice", type: 1, avatar: "http://a/1.png", gender: 2, unionid: "ozUNION1" },
        follow_user: [
          {
            userid: "guide1",
            remark: "Alice VIP",
            description: "",
            createtime: T0_SECONDS,
            remark_corp_name: "",
            remark_mobiles: [],
            oper_userid: "wmCUSTOMER1",
            add_way: 1,
            state: "store-a",
            tags: [{ group_name: "Level", tag_name: "Silver", tag_id: "etTAG_SILVER", type: 1 }],
          },
        ],
        next_cursor: "",
      });
    });

    it("should list a member's customers and page batch/get_by_user", async () => {
      await seedFollow();
      await SandboxCustomer.create({ external_userid: "wmCUSTOMER2", name: "Bob" });
      await SandboxFollow.create({ external_userid: "wmCUSTOMER2", userid: "guide1", createtime: T0_SECONDS + 1 });
      const list = await wecom.get<{ external_userid: string[] }>("/cgi-bin/externalcontact/list", { userid: "guide1" });
      assert.deepEqual(list.external_userid, ["wmCUSTOMER1", "wmCUSTOMER2"]);
      const first = await wecom.post<{ external_contact_list: { follow_info: { tag_id: string[] } }[]; next_cursor: string }>(
        "/cgi-bin/externalcontact/batch/get_by_user",
        { userid_list: ["guide1"], limit: 1 },
      );
      assert.equal(first.external_contact_list.length, 1);
      assert.deepEqual(first.external_contact_list[0]?.follow_info.tag_id, ["etTAG_SILVER"]);
      assert.notEqual(first.next_cursor, "");
      const second = await wecom.post<{ external_contact_list: unknown[]; next_cursor: string }>(
        "/cgi-bin/externalcontact/batch/get_by_user",
        { userid_list: ["guide1"], limit: 1, cursor: first.next_cursor },
      );
      assert.equal(second.external_contact_list.length, 1);
      assert.equal(second.next_cursor, "");
      assert.equal(await errcodeOf(wecom.get("/cgi-bin/externalcontact/list", { userid: "ghost" })), 40003);
    });

    it("should change the follow's remark and refuse a pair with no relation", async () => {
      await seedFollow();
      await wecom.post("/cgi-bin/externalcontact/remark", { userid: "guide1", external_userid: "wmCUSTOMER1", description: "likes red" });
      const follow = await SandboxFollow.findOne({ userid: "guide1" }).lean();
      assert.equal(follow?.description, "likes red");
      assert.equal(follow?.remark, "Alice VIP");
      const pair = { userid: "manager1", external_userid: "wmCUSTOMER1", remark: "x" };
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/remark", pair)), 84061);
    });
  });

  describe("corp tags", () => {
    it("should change the follow's tags with mark_tag and answer 84061 for a pair with no follow", async () => {
      await seedFollow();
      await wecom.post("/cgi-bin/externalcontact/mark_tag", {
        userid: "guide1",
        external_userid: "wmCUSTOMER1",
        add_tag: ["etTAG_GOLD"],
        remove_tag: ["etTAG_SILVER"],
      });
      assert.deepEqual((await SandboxFollow.findOne({ userid: "guide1" }).lean())?.tags, ["etTAG_GOLD"]);
      const noFollow = { userid: "manager1", external_userid: "wmCUSTOMER1", add_tag: ["etTAG_GOLD"] };
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/mark_tag", noFollow)), 84061);
      const badTag = { userid: "guide1", external_userid: "wmCUSTOMER1", add_tag: ["etNOPE"] };
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/mark_tag", badTag)), 40068);
      const badUser = { userid: "ghost", external_userid: "wmCUSTOMER1", add_tag: ["etTAG_GOLD"] };
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/mark_tag", badUser)), 40003);
    });

    it("should add, edit and delete tags, dropping deleted tags from follows", async () => {
      await seedFollow();
      const added = await wecom.post<{ tag_group: { group_id: string; tag: { id: string; name: string }[] } }>(
        "/cgi-bin/externalcontact/add_corp_tag",
        { group_name: "Hobby", tag: [{ name: "Running" }, { name: "Tea" }] },
      );
      assert.deepEqual(added.tag_group.tag.map((tag) => tag.name), ["Running", "Tea"]);
      const running = added.tag_group.tag[0]?.id ?? "";
      await wecom.post("/cgi-bin/externalcontact/edit_corp_tag", { id: running, name: "Jogging" });
      const listed = await wecom.post<{ tag_group: { group_name: string; tag: { name: string }[] }[] }>(
        "/cgi-bin/externalcontact/get_corp_tag_list",
        { group_id: [added.tag_group.group_id] },
      );
      assert.deepEqual(listed.tag_group[0]?.tag.map((tag) => tag.name), ["Jogging", "Tea"]);
      await wecom.post("/cgi-bin/externalcontact/del_corp_tag", { group_id: ["etGROUP1"] });
      assert.deepEqual((await SandboxFollow.findOne({ userid: "guide1" }).lean())?.tags, []);
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/edit_corp_tag", { id: "etTAG_GOLD", name: "x" })), 40068);
    });
  });

  describe("contact ways", () => {
    it("should answer a QR URL that serves a PNG, and 41044 for an unknown config_id", async () => {
      const added = await wecom.post<{ config_id: string; qr_code: string }>("/cgi-bin/externalcontact/add_contact_way", {
        type: 1,
        scene: 2,
        state: "store-a",
        user: ["guide1"],
      });
      assert.ok(added.qr_code.startsWith(standIn.url));
      const image = await fetch(added.qr_code);
      assert.equal(image.status, 200);
      assert.equal(image.headers.get("content-type"), "image/png");
      assert.deepEqual(Buffer.from(await image.arrayBuffer()).subarray(0, 8), PNG_SIGNATURE);
      const got = await wecom.post<{ contact_way: { state: string; user: string[]; qr_code: string } }>(
        "/cgi-bin/externalcontact/get_contact_way",
        { config_id: added.config_id },
      );
      assert.deepEqual([got.contact_way.state, got.contact_way.user, got.contact_way.qr_code], ["store-a", ["guide1"], added.qr_code]);
      await wecom.post("/cgi-bin/externalcontact/del_contact_way", { config_id: added.config_id });
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/get_contact_way", { config_id: added.config_id })), 41044);
      assert.equal((await fetch(added.qr_code)).status, 404);
    });

    it("should refuse a single-member way with two members and a state over 30 characters", async () => {
      const base = { type: 1, scene: 2, user: ["guide1", "manager1"] };
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/add_contact_way", base)), 40058);
      const longState = { type: 1, scene: 2, user: ["guide1"], state: "x".repeat(31) };
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/add_contact_way", longState)), 40058);
    });
  });

  describe("send_welcome_msg", () => {
    it("should record the welcome once for a code the stand-in issued", async () => {
      await seedFollow({ welcome_code: "WELCOME1", welcome_code_expires_at: new Date(Date.now() + 20_000) });
      await wecom.post("/cgi-bin/externalcontact/send_welcome_msg", { welcome_code: "WELCOME1", text: { content: "Hi Alice" } });
      const messages = await SandboxMessage.find({}).lean();
      assert.deepEqual(
        messages.map((message) => [message.kind, message.from, message.to, message.text]),
        [["welcome", "guide1", "wmCUSTOMER1", "Hi Alice"]],
      );
      const again = { welcome_code: "WELCOME1", text: { content: "again" } };
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/send_welcome_msg", again)), 41051);
      const unknown = { welcome_code: "MADE_UP", text: { content: "hi" } };
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/send_welcome_msg", unknown)), 41050);
    });

    it("should refuse a code after its 20 seconds and a missing code", async () => {
      await seedFollow({ welcome_code: "LATE", welcome_code_expires_at: new Date(Date.now() - 1) });
      const late = { welcome_code: "LATE", text: { content: "Hi" } };
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/send_welcome_msg", late)), 41050);
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/send_welcome_msg", { text: { content: "Hi" } })), 41049);
      assert.equal(await SandboxMessage.countDocuments(), 0);
    });
  });

  describe("customer groups", () => {
    it("should be full at 200 members, and groupchat/get shows the members and version", async () => {
      const customers = Array.from({ length: 198 }, (_, index) => ({
        userid: `wmMEMBER${index}`,
        type: 2,
        join_time: T0_SECONDS,
        join_scene: 3,
      }));
      await SandboxGroup.create({
        chat_id: "wrGROUP1",
        name: "VIP",
        owner: "guide1",
        create_time: T0_SECONDS,
        member_version: "v1",
        member_list: [{ userid: "guide1", type: 1, join_time: T0_SECONDS }, ...customers],
      });
      const joined = await addSandboxGroupMember("wrGROUP1", { userid: "wmLAST", type: 2, join_time: T0_SECONDS, join_scene: 3 });
      assert.equal(joined.status, "added");
      assert.ok(joined.status === "added" && joined.last_mem_ver === "v1" && joined.member_count === 200);
      const refused = await addSandboxGroupMember("wrGROUP1", { userid: "wmONE_TOO_MANY", type: 2, join_time: T0_SECONDS });
      assert.equal(refused.status, "full");
      const { group_chat: chat } = await wecom.post<{ group_chat: { member_list: { userid: string; name?: string }[]; member_version: string } }>(
        "/cgi-bin/externalcontact/groupchat/get",
        { chat_id: "wrGROUP1", need_name: 1 },
      );
      assert.equal(chat.member_list.length, 200);
      assert.equal(chat.member_version, joined.status === "added" ? joined.cur_mem_ver : "");
      assert.ok(!chat.member_list.some((member) => member.userid === "wmONE_TOO_MANY"));
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/groupchat/get", { chat_id: "wrNOPE" })), 40050);
    });

    it("should page groupchat/list and filter by owner", async () => {
      for (const [index, owner] of ["guide1", "guide1", "manager1"].entries()) {
        await SandboxGroup.create({ chat_id: `wrG${index}`, owner, create_time: T0_SECONDS + index, member_version: "v" });
      }
      const first = await wecom.post<{ group_chat_list: { chat_id: string }[]; next_cursor: string }>(
        "/cgi-bin/externalcontact/groupchat/list",
        { limit: 2 },
      );
      assert.deepEqual(first.group_chat_list.map((group) => group.chat_id), ["wrG0", "wrG1"]);
      const rest = await wecom.post<{ group_chat_list: { chat_id: string }[]; next_cursor: string }>(
        "/cgi-bin/externalcontact/groupchat/list",
        { limit: 2, cursor: first.next_cursor },
      );
      assert.deepEqual([rest.group_chat_list.map((group) => group.chat_id), rest.next_cursor], [["wrG2"], ""]);
      const owned = await wecom.post<{ group_chat_list: { chat_id: string }[] }>("/cgi-bin/externalcontact/groupchat/list", {
        limit: 10,
        owner_filter: { userid_list: ["manager1"] },
      });
      assert.deepEqual(owned.group_chat_list.map((group) => group.chat_id), ["wrG2"]);
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/groupchat/list", {})), 40058);
    });

    it("should expire a join way's QR 7 days after creation (injected clock)", async () => {
      await standIn.close();
      let clock = T0;
      standIn = await startWeComStandIn({ now: () => clock });
      wecom = productClient(standIn);
      await SandboxGroup.create({ chat_id: "wrGROUP1", owner: "guide1", create_time: T0_SECONDS, member_version: "v1" });
      const { config_id: configId } = await wecom.post<{ config_id: string }>("/cgi-bin/externalcontact/groupchat/add_join_way", {
        scene: 2,
        chat_id_list: ["wrGROUP1"],
        state: "join-vip",
      });
      type JoinWay = { join_way: { qr_code: string; qr_code_expired: boolean; state: string } };
      const fresh = await wecom.post<JoinWay>("/cgi-bin/externalcontact/groupchat/get_join_way", { config_id: configId });
      assert.equal(fresh.join_way.qr_code_expired, false);
      assert.equal((await fetch(fresh.join_way.qr_code)).status, 200);

      clock = new Date(T0.getTime() + 7 * DAY_MS - 1000);
      const almost = await wecom.post<JoinWay>("/cgi-bin/externalcontact/groupchat/get_join_way", { config_id: configId });
      assert.equal(almost.join_way.qr_code, fresh.join_way.qr_code);

      // The token the client cached also died with the jump (42001): the client refreshes by itself.
      clock = new Date(T0.getTime() + 7 * DAY_MS);
      const expired = await wecom.post<JoinWay>("/cgi-bin/externalcontact/groupchat/get_join_way", { config_id: configId });
      assert.deepEqual([expired.join_way.qr_code, expired.join_way.qr_code_expired, expired.join_way.state], ["", true, "join-vip"]);
      assert.equal((await fetch(fresh.join_way.qr_code)).status, 410);
    });

    it("should refuse a join way over 5 groups", async () => {
      const chats = Array.from({ length: 6 }, (_, index) => `wrG${index}`);
      for (const chatId of chats) {
        await SandboxGroup.create({ chat_id: chatId, owner: "guide1", create_time: T0_SECONDS, member_version: "v" });
      }
      const body = { scene: 2, chat_id_list: chats };
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/groupchat/add_join_way", body)), 41091);
    });
  });

  describe("directory, login and JS-SDK tickets", () => {
    it("should redeem an OAuth code once, within 5 minutes, with the app's token only", async () => {
      await SandboxOAuthCode.create({ code: "CODE1", userid: "guide1", expires_at: new Date(Date.now() + 5 * 60_000) });
      await SandboxOAuthCode.create({ code: "OLD", userid: "guide1", expires_at: new Date(Date.now() - 1) });
      await SandboxOAuthCode.create({ code: "CODE2", userid: "guide1", expires_at: new Date(Date.now() + 5 * 60_000) });
      const answer = await wecom.get<{ userid: string }>("/cgi-bin/auth/getuserinfo", { code: "CODE1" }, { secret: "agent" });
      assert.equal(answer.userid, "guide1");
      assert.equal(await errcodeOf(wecom.get("/cgi-bin/auth/getuserinfo", { code: "CODE1" }, { secret: "agent" })), 40029);
      assert.equal(await errcodeOf(wecom.get("/cgi-bin/auth/getuserinfo", { code: "OLD" }, { secret: "agent" })), 40029);
      assert.equal(await errcodeOf(wecom.get("/cgi-bin/auth/getuserinfo", { code: "CODE2" })), 48002);
    });

    it("should issue both JS-SDK tickets for 7200 s", async () => {
      const corp = await wecom.get<{ ticket: string; expires_in: number }>("/cgi-bin/get_jsapi_ticket", {}, { secret: "agent" });
      const app = await wecom.get<{ ticket: string; expires_in: number }>("/cgi-bin/ticket/get", { type: "agent_config" }, { secret: "agent" });
      assert.equal(corp.expires_in, 7200);
      assert.equal(app.expires_in, 7200);
      assert.notEqual(corp.ticket, app.ticket);
      assert.equal(await errcodeOf(wecom.get("/cgi-bin/ticket/get", { type: "other" }, { secret: "agent" })), 40058);
    });

    it("should answer user/get and 60111 for an unknown member", async () => {
      const user = await wecom.get<{ name: string; department: number[]; position: string }>("/cgi-bin/user/get", { userid: "guide1" }, { secret: "agent" });
      assert.deepEqual([user.name, user.department, user.position], ["Guide One", [2], "导购"]);
      assert.equal(await errcodeOf(wecom.get("/cgi-bin/user/get", { userid: "ghost" }, { secret: "agent" })), 60111);
      assert.equal(await errcodeOf(wecom.get("/cgi-bin/department/get", { id: 99 }, { secret: "agent" })), 60123);
    });
  });

  describe("media, moments and mass messages", () => {
    it("should store an upload for 3 days and accept it in a moment", async () => {
      const form = new FormData();
      form.append("media", new Blob([Buffer.concat([PNG_SIGNATURE, Buffer.alloc(32)])], { type: "image/png" }), "cover.png");
      const { access_token: token } = await fetchJson(`${standIn.url}/cgi-bin/gettoken?corpid=${SANDBOX_CORP_ID}&corpsecret=${SANDBOX_CONTACT_SECRET}`);
      const uploaded = await fetchJson(`${standIn.url}/cgi-bin/media/upload?access_token=${token}&type=image`, { method: "POST", body: form });
      assert.equal(uploaded.errcode, 0);
      assert.equal(uploaded.type, "image");
      assert.equal(await errcodeOf(wecom.get("/cgi-bin/media/get", { media_id: "nope" })), 40007);
      const file = await fetch(`${standIn.url}/cgi-bin/media/get?access_token=${token}&media_id=${uploaded.media_id}`);
      assert.equal(Buffer.from(await file.arrayBuffer()).length, 40);

      const { jobid } = await wecom.post<{ jobid: string }>("/cgi-bin/externalcontact/add_moment_task", {
        text: { content: "New arrivals" },
        attachments: [{ msgtype: "image", image: { media_id: uploaded.media_id } }],
        visible_range: { sender_list: { user_list: ["guide1", "ghost"] } },
      });
      const result = await wecom.get<{ status: number; result: { moment_id: string; invalid_sender_list: { user_list: string[] } } }>(
        "/cgi-bin/externalcontact/get_moment_task_result",
        { jobid },
      );
      assert.equal(result.status, 3);
      assert.deepEqual(result.result.invalid_sender_list.user_list, ["ghost"]);
      const badMedia = { text: { content: "x" }, attachments: [{ msgtype: "image", image: { media_id: "nope" } }] };
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/add_moment_task", badMedia)), 40007);
    });

    it("should answer a mass message's fail_list and 41048 when nobody can receive it", async () => {
      await seedFollow();
      const sent = await wecom.post<{ msgid: string; fail_list: string[] }>("/cgi-bin/externalcontact/add_msg_template", {
        sender: "guide1",
        external_userid: ["wmCUSTOMER1", "wmSTRANGER"],
        text: { content: "Sale!" },
      });
      assert.deepEqual(sent.fail_list, ["wmSTRANGER"]);
      const nobody = { sender: "manager1", text: { content: "Sale!" } };
      assert.equal(await errcodeOf(wecom.post("/cgi-bin/externalcontact/add_msg_template", nobody)), 41048);
    });
  });

  describe("the product's commands cannot tell the difference", () => {
    it("should sync a customer and its follow with customerSyncer", async () => {
      await seedFollow();
      const customer = await customerSyncer({ wecom, externalUserId: "wmCUSTOMER1", expectFollowOf: "guide1", now: new Date() });
      assert.equal(customer.name, "Alice");
      assert.equal(customer.unionid, "ozUNION1");
      const follow = await Follow.findOne({ externalUserId: "wmCUSTOMER1", userId: "guide1" }).lean();
      assert.deepEqual([follow?.state, follow?.remark, follow?.tagIds, follow?.addedAt?.getTime()], ["store-a", "Alice VIP", ["etTAG_SILVER"], T0.getTime()]);
      assert.equal(await Customer.countDocuments(), 1);
    });

    it("should mirror the corp tags with corpTagMirror", async () => {
      assert.equal(await corpTagMirror({ wecom, now: new Date() }), 1);
      const group = await TagGroup.findOne({ groupId: "etGROUP1" }).lean();
      assert.deepEqual(group?.tags.map((tag) => tag.name), ["Gold", "Silver"]);
    });

    it("should sync the directory with directorySyncer", async () => {
      const counts = await directorySyncer({ wecom, now: new Date() });
      assert.deepEqual(counts, { departments: 2, employees: 2 });
      const guide = await Employee.findOne({ userId: "guide1" }).lean();
      assert.equal(guide?.name, "Guide One");
    });
  });
});
