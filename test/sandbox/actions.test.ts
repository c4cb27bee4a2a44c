import assert from "node:assert/strict";
import { Customer } from "../../server/models/Customer.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Group } from "../../server/models/Group.ts";
import { Member } from "../../server/models/Member.ts";
import { TagApplication } from "../../server/models/TagApplication.ts";
import { TagGroup } from "../../server/models/TagGroup.ts";
import { seedCorp } from "../../server/sandbox/actions/seed.ts";
import { SANDBOX_CORP_ID, SANDBOX_GUIDE_COOKIE } from "../../server/sandbox/config.ts";
import { CONTACT_WAYS, GROUPS, PEOPLE, STORES, TAG_GROUPS } from "../../server/sandbox/demoData.ts";
import { SandboxContactWay, SandboxCustomer, SandboxFollow, SandboxGroup, SandboxOAuthCode, SandboxTagGroup, SandboxUser } from "../../server/sandbox/models/index.ts";
import { resetDatabase } from "../support/hooks.ts";
import { consoleSend } from "../support/server.ts";
import { loginCookie } from "../support/sessions.ts";
import { startSandboxServer, type SandboxServer } from "./sandboxServer.ts";

type Json = Record<string, unknown> & { data?: unknown; message?: string };

describe("sandbox actions (the real app, the WeCom stand-in, callbacks through /wecom/callback)", function () {
  this.timeout(60_000);
  let sandbox: SandboxServer;

  before(async () => {
    sandbox = await startSandboxServer();
  });
  after(() => sandbox.close());

  beforeEach(async () => {
    await resetDatabase();
    await seedCorp({ callbackUrl: sandbox.server.url, now: () => new Date() });
    await sandbox.settle();
  });

  async function api(method: "GET" | "POST", path: string, body?: unknown, cookie?: string): Promise<{ status: number; body: Json; response: Response }> {
    const response = await fetch(`${sandbox.server.url}${path}`, {
      method,
      redirect: "manual",
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...(cookie ? { cookie } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    let parsed: Json = {};
    try {
      parsed = JSON.parse(text) as Json;
    } catch {
      parsed = { text };
    }
    return { status: response.status, body: parsed, response };
  }

  async function wayOf(state: string): Promise<string> {
    const way = await SandboxContactWay.findOne({ state }).lean();
    assert.ok(way, `contact way ${state} seeded`);
    return way.config_id;
  }

  async function tagIdOf(group: string, name: string): Promise<string> {
    const tagGroup = await SandboxTagGroup.findOne({ group_name: group }).lean();
    const tag = tagGroup?.tag.find((candidate) => candidate.name === name);
    assert.ok(tag, `tag ${group}/${name} seeded`);
    return tag.id;
  }

  it("seeds the corp once, and the product's directory, tag mirror and groups fill through callbacks", async () => {
    assert.equal(await Department.countDocuments({ deleted: false }), STORES.length + 1);
    assert.equal(await Employee.countDocuments({ deleted: false }), PEOPLE.length);
    const guide = await Employee.findOne({ userId: "zhangxiaomei" }).lean();
    assert.equal(guide?.name, "张晓梅");
    assert.deepEqual(guide?.departmentIds, [101]);
    assert.equal(await TagGroup.countDocuments({ deleted: false }), TAG_GROUPS.length);
    assert.equal(await Group.countDocuments({ status: "active" }), GROUPS.length);
    assert.equal(await SandboxContactWay.countDocuments(), CONTACT_WAYS.length);

    const again = await seedCorp({ callbackUrl: sandbox.server.url, now: () => new Date() });
    assert.deepEqual(again, { departments: 0, users: 0, tagGroups: 0, contactWays: 0, groups: 0 });

    const state = await api("GET", "/sandbox/api/state");
    assert.equal(state.status, 200);
    const data = state.body.data as { seeded: boolean; stores: unknown[]; guides: { userid: string; storeName: string }[]; contactWays: { qr_code: string }[]; groups: { memberCount: number }[] };
    assert.equal(data.seeded, true);
    assert.equal(data.stores.length, STORES.length);
    assert.equal(data.guides.find((user) => user.userid === "zhangxiaomei")?.storeName, "上海南京西路店");
    assert.match(data.contactWays[0]?.qr_code ?? "", new RegExp(`^${sandbox.wecomApiBase}/qr/contact_way/`));
    assert.ok(data.groups.every((group) => group.memberCount === 1));
  });

  it("scan: the product gets the customer and the follow with the way's state, and its auto-tag rule applies", async () => {
    const posterTag = await tagIdOf("客户来源", "门店海报");
    const rule = await consoleSend(sandbox.server, "POST", "/api/console/tag-rules", {
      name: "海报来源",
      trigger: "channel_state",
      condition: { states: ["store101-poster"] },
      tagIds: [posterTag],
    });
    assert.equal(rule.status, 201);

    const scanned = await api("POST", "/sandbox/api/scan", { configId: await wayOf("store101-poster"), name: "林小雨" });
    assert.equal(scanned.status, 201);
    const { external_userid: externalUserId, userid } = scanned.body.data as { external_userid: string; userid: string };
    assert.match(externalUserId, /^wm/);
    assert.equal(userid, "zhangxiaomei", "the way's first guide");
    await sandbox.settle();

    const customer = await Customer.findOne({ externalUserId }).lean();
    assert.equal(customer?.name, "林小雨");
    const follow = await Follow.findOne({ externalUserId, userId: userid }).lean();
    assert.equal(follow?.state, "store101-poster");
    assert.equal(follow?.status, "active");
    assert.equal(follow?.addWay, 1);
    assert.deepEqual(follow?.tagIds, [posterTag], "the rule tagged the follow");
    assert.ok(await TagApplication.exists({ externalUserId, tagId: posterTag }));
    const standInFollow = await SandboxFollow.findOne({ external_userid: externalUserId, userid }).lean();
    assert.deepEqual(standInFollow?.tags, [posterTag], "mark_tag reached the stand-in");

    const missing = await api("POST", "/sandbox/api/scan", { configId: "nope" });
    assert.equal(missing.status, 404);
    const invalid = await api("POST", "/sandbox/api/scan", {});
    assert.equal(invalid.status, 400);
    assert.match(invalid.body.message ?? "", /^configId: /);
  });

  it("joinGroup: the product's group gets the member at WeCom's member version; a full group refuses", async () => {
    const scanned = await api("POST", "/sandbox/api/scan", { configId: await wayOf("store102-counter") });
    const { external_userid: externalUserId } = scanned.body.data as { external_userid: string };
    const chat = await SandboxGroup.findOne({ name: GROUPS[2]?.name }).lean();
    assert.ok(chat);
    await sandbox.settle();

    const joined = await api("POST", "/sandbox/api/join-group", { externalUserId, chatId: chat.chat_id });
    assert.equal(joined.status, 200);
    assert.deepEqual(joined.body.data, { chat_id: chat.chat_id, memberCount: 2 });
    await sandbox.settle();
    const group = await Group.findOne({ chatId: chat.chat_id }).lean();
    const member = group?.members.find((candidate) => candidate.id === externalUserId);
    assert.equal(member?.type, "customer");
    assert.equal(member?.status, "in");
    assert.equal(member?.joinScene, 3, "scanned the group QR");
    const standIn = await SandboxGroup.findById(chat.chat_id).lean();
    assert.equal(group?.memberVersion, standIn?.member_version);

    const twice = await api("POST", "/sandbox/api/join-group", { externalUserId, chatId: chat.chat_id });
    assert.equal(twice.status, 409);

    const filler = Array.from({ length: 198 }, (_, index) => ({ userid: `wmFiller${String(index).padStart(8, "0")}`, type: 2, join_time: 1_700_000_000, join_scene: 3 }));
    await SandboxGroup.updateOne({ _id: chat.chat_id }, { $push: { member_list: { $each: filler } } });
    const other = await api("POST", "/sandbox/api/scan", { configId: await wayOf("store102-poster") });
    const full = await api("POST", "/sandbox/api/join-group", { externalUserId: (other.body.data as { external_userid: string }).external_userid, chatId: chat.chat_id });
    assert.equal(full.status, 422);
    assert.match(full.body.message ?? "", /^chatId: 群已满/);
  });

  it("chat: lines between friends join the transcript, oldest first", async () => {
    const scanned = await api("POST", "/sandbox/api/scan", { configId: await wayOf("store103-counter") });
    const { external_userid: externalUserId, userid } = scanned.body.data as { external_userid: string; userid: string };
    assert.equal((await api("POST", "/sandbox/api/chat", { externalUserId, userId: userid, from: "customer", text: "你好，面霜有货吗？" })).status, 201);
    assert.equal((await api("POST", "/sandbox/api/chat", { externalUserId, userId: userid, from: "guide", text: "有的，欢迎到店试用" })).status, 201);
    const lines = await api("GET", `/sandbox/api/chat?externalUserId=${externalUserId}&userId=${userid}`);
    assert.deepEqual(
      (lines.body.data as { from: string; text: string; kind: string }[]).filter((line) => line.kind === "chat").map((line) => [line.from, line.text]),
      [
        [externalUserId, "你好，面霜有货吗？"],
        [userid, "有的，欢迎到店试用"],
      ],
    );
    const stranger = await api("POST", "/sandbox/api/chat", { externalUserId, userId: "sunlei", from: "guide", text: "hi" });
    assert.equal(stranger.status, 404);
  });

  it("buy: the order makes the customer a member with growth, points and the level it earned", async () => {
    const scanned = await api("POST", "/sandbox/api/scan", { configId: await wayOf("store101-counter"), name: "王佳琪" });
    const { external_userid: externalUserId } = scanned.body.data as { external_userid: string };
    await sandbox.settle();

    const bought = await api("POST", "/sandbox/api/buy", { externalUserId, amountFen: 128_000 });
    assert.equal(bought.status, 201);
    const outcome = bought.body.data as { result: string; memberNo: string; member: { levelCode: string; points: number; growth: number } };
    assert.equal(outcome.result, "created");
    assert.deepEqual(outcome.member, { memberNo: outcome.memberNo, levelCode: "silver", points: 1280, growth: 1280 });

    const member = await Member.findOne({ memberNo: outcome.memberNo }).lean();
    assert.deepEqual(member?.externalUserIds, [externalUserId]);
    assert.equal(member?.name, "王佳琪");
    assert.equal(member?.homeStoreId, "101");
    assert.deepEqual(member?.guideUserIds, ["zhangxiaomei"]);
    assert.match(member?.phoneMasked ?? "", /^1\d{2}\*{4}\d{4}$/);

    const second = await api("POST", "/sandbox/api/buy", { externalUserId, amountFen: 39_900, guideUserId: "liting" });
    assert.equal((second.body.data as { memberNo: string }).memberNo, outcome.memberNo, "the same phone: the same member");
    const bad = await api("POST", "/sandbox/api/buy", { externalUserId, amountFen: 0 });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message ?? "", /^amountFen: /);
  });

  it("avatars: every seeded person's and a scanned customer's avatar is drawn; a malformed or odd file name is 404, never 500", async () => {
    const scanned = await api("POST", "/sandbox/api/scan", { configId: await wayOf("store101-counter"), name: "王佳琪" });
    const { external_userid: externalUserId } = scanned.body.data as { external_userid: string };
    const customer = await SandboxCustomer.findById(externalUserId, { avatar: 1 }).lean();
    const users = await SandboxUser.find({}, { avatar: 1 }).lean();
    const avatars = [...users.map((user) => user.avatar), customer?.avatar];
    assert.ok(avatars.length > 1);
    for (const avatar of avatars) {
      const drawn = await fetch(`${sandbox.server.url}${new URL(avatar ?? "").pathname}`);
      assert.equal(drawn.status, 200, String(avatar));
      assert.equal(drawn.headers.get("content-type"), "image/svg+xml");
      assert.match(await drawn.text(), /^<svg /);
    }
    for (const odd of ["%25.svg", "%E0%A4%A.svg", "%2e%2e%2f.svg", "%00.svg", ".svg", "wmABC.png", `${"a".repeat(65)}.svg`]) {
      const answer = await fetch(`${sandbox.server.url}/sandbox/avatar/${odd}`);
      assert.equal(answer.status, 404, odd);
      await answer.arrayBuffer();
    }
  });

  describe("login stand-in", () => {
    // The login cookie the product set on the last start: the browser carries it back to the callback.
    let startedLogin = "";
    async function startLogin(mode: "oauth" | "qr"): Promise<string> {
      const start = await fetch(`${sandbox.server.url}/api/auth/wecom/start?mode=${mode}&returnTo=/console/`, { redirect: "manual" });
      assert.equal(start.status, 302);
      startedLogin = loginCookie(start);
      const location = start.headers.get("location") ?? "";
      assert.ok(location.startsWith(mode === "oauth" ? "/sandbox/oauth/authorize?" : "/sandbox/oauth/qr?"), location);
      return location.replace(/#.*$/, "");
    }

    async function guideCookie(userid: string): Promise<string> {
      const chosen = await api("POST", "/sandbox/api/guide", { userid });
      assert.equal(chosen.status, 200);
      const cookie = chosen.response.headers.getSetCookie().find((line) => line.startsWith(`${SANDBOX_GUIDE_COOKIE}=`));
      assert.ok(cookie);
      return cookie.split(";")[0] as string;
    }

    for (const mode of ["oauth", "qr"] as const) {
      it(`${mode}: the guide chosen on the sandbox page gets a session through the product's real callback`, async () => {
        const login = await startLogin(mode);
        const cookie = await guideCookie("zhaomin");
        const authorized = await fetch(`${sandbox.server.url}${login}`, { redirect: "manual", headers: { cookie } });
        assert.equal(authorized.status, 302);
        const back = new URL(authorized.headers.get("location") ?? "");
        assert.equal(back.origin, sandbox.server.url);
        assert.equal(back.pathname, "/api/auth/wecom/callback");
        assert.ok(await SandboxOAuthCode.exists({ _id: back.searchParams.get("code") }));

        const callback = await fetch(back, { redirect: "manual", headers: { cookie: startedLogin } });
        assert.equal(callback.headers.get("location"), "/console/");
        const session = callback.headers.getSetCookie().map((line) => line.split(";")[0]).filter((pair) => pair?.startsWith("scrm_sid")).join("; ");
        const me = await api("GET", "/api/auth/me", undefined, session);
        assert.equal(me.status, 200);
        assert.equal((me.body.data as { userId: string; name: string }).userId, "zhaomin");
        assert.equal((me.body.data as { name: string }).name, "赵敏");

        const replay = await fetch(back, { redirect: "manual", headers: { cookie: startedLogin } });
        // The state is used up too, so the product cannot tell where the login started.
        assert.match(replay.headers.get("location") ?? "", /loginError=|error=/, "a code works once");
        assert.equal((await SandboxOAuthCode.findById(back.searchParams.get("code")).lean())?.used, true);
      });
    }

    it("without a chosen guide it lists the guides; a pick sets the cookie and continues", async () => {
      const login = await startLogin("oauth");
      const page = await fetch(`${sandbox.server.url}${login}`, { redirect: "manual" });
      assert.equal(page.status, 200);
      const html = await page.text();
      assert.match(html, /张晓梅/);
      assert.match(html, /上海南京西路店/);
      const href = /href="([^"]*userid=liting[^"]*)"/.exec(html)?.[1]?.replaceAll("&#38;", "&");
      assert.ok(href);
      const chosen = await fetch(`${sandbox.server.url}${href}`, { redirect: "manual" });
      assert.equal(chosen.status, 302);
      assert.equal(chosen.headers.get("location"), login);
      const cookie = chosen.headers.getSetCookie().find((line) => line.startsWith(`${SANDBOX_GUIDE_COOKIE}=liting`))?.split(";")[0];
      assert.ok(cookie);
      const authorized = await fetch(`${sandbox.server.url}${login}`, { redirect: "manual", headers: { cookie } });
      const code = new URL(authorized.headers.get("location") ?? "").searchParams.get("code");
      assert.equal((await SandboxOAuthCode.findById(code).lean())?.userid, "liting");
    });

    it("refuses a redirect off this server and a foreign corp id", async () => {
      const cookie = await guideCookie("zhaomin");
      const query = (overrides: Record<string, string>) =>
        new URLSearchParams({ appid: SANDBOX_CORP_ID, redirect_uri: `${sandbox.server.url}/api/auth/wecom/callback`, response_type: "code", scope: "snsapi_base", state: "abc", ...overrides });
      const offsite = await api("GET", `/sandbox/oauth/authorize?${query({ redirect_uri: "https://evil.example/steal" })}`, undefined, cookie);
      assert.equal(offsite.status, 400);
      assert.match(offsite.body.message ?? "", /^redirect_uri: /);
      const foreign = await api("GET", `/sandbox/oauth/authorize?${query({ appid: "wwother" })}`, undefined, cookie);
      assert.equal(foreign.status, 400);
      assert.match(foreign.body.message ?? "", /^appid: /);
      const unknown = await api("POST", "/sandbox/api/guide", { userid: "nobody" });
      assert.equal(unknown.status, 404);
    });
  });
});
