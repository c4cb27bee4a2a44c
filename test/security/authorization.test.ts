import assert from "node:assert/strict";
import { CustomerNote } from "../../server/models/CustomerNote.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Member } from "../../server/models/Member.ts";
import { MemberIdentity } from "../../server/models/MemberIdentity.ts";
import { Task } from "../../server/models/Task.ts";
import { aCustomerWithFollow, aGroup, aStore } from "../support/factories.ts";
import { appRoutes, concretePath, PUBLIC_ROUTES } from "../support/routeTable.ts";
import { API_TOKEN, useTestServer } from "../support/server.ts";
import { loginAs, type SessionClient } from "../support/sessions.ts";

type Role = "admin" | "operator" | "manager" | "guide";
const ROLES: Role[] = ["admin", "operator", "manager", "guide"];

// Two stores; the manager runs store 101, the guide works in it. Everything "B" belongs to store 102.
async function seedTwoStores(): Promise<void> {
  await aStore(101, "上海静安店");
  await aStore(102, "北京三里屯店");
  await aCustomerWithFollow("wmA", "guideA", { name: "王小姐" });
  await aCustomerWithFollow("wmB", "guideB", { name: "李先生" });
  await aGroup("chatA", "guideA", ["wmA"], "静安会员群");
  await aGroup("chatB", "guideB", ["wmB"], "三里屯会员群");
  // Members written directly: the test needs their scope fields (guides, home store) exactly.
  const [memberA, memberB] = await Member.create([
    { memberNo: "M00000001", name: "王小姐", levelCode: "normal", guideUserIds: ["guideA"], homeStoreId: "101", externalUserIds: ["wmA"] },
    { memberNo: "M00000002", name: "李先生", levelCode: "normal", guideUserIds: ["guideB"], homeStoreId: "102", externalUserIds: ["wmB"] },
  ]);
  await Task.create({ _id: "greeting:wmA:guideA", kind: "greeting", userId: "guideA", storeId: "101", externalUserId: "wmA", title: "新客问候", dueAt: new Date(Date.now() + 3_600_000), dueDay: "2026-01-01", createdAt: new Date() });
  await MemberIdentity.create([
    { _id: "customer:wmA", kind: "customer", memberId: memberA?._id, via: "wecom", at: new Date() },
    { _id: "customer:wmB", kind: "customer", memberId: memberB?._id, via: "wecom", at: new Date() },
  ]);
}

interface Case {
  what: string;
  method: "GET" | "POST" | "PUT";
  path: string;
  body?: unknown;
  /** Per role: "ok" means neither 401 nor 403 (the request reached its handler), or the exact status. */
  expect: Record<Role, "ok" | 403>;
}

// role × resource × action. "ok" only claims the authorization let the request through; what the
// handler then answers (200, 400 for an empty body, ...) is the business of the route's own tests.
const MATRIX: Case[] = [
  { what: "own customer in the sidebar", method: "GET", path: "/api/sidebar/customers/wmA", expect: { admin: "ok", operator: "ok", manager: "ok", guide: "ok" } },
  { what: "another store's customer in the sidebar", method: "GET", path: "/api/sidebar/customers/wmB", expect: { admin: "ok", operator: "ok", manager: 403, guide: 403 } },
  { what: "a note on another store's customer", method: "POST", path: "/api/sidebar/customers/wmB/notes", body: { text: "回访" }, expect: { admin: "ok", operator: "ok", manager: 403, guide: 403 } },
  { what: "tags of another store's customer", method: "POST", path: "/api/sidebar/customers/wmB/tags", body: { add: ["etX"] }, expect: { admin: "ok", operator: "ok", manager: 403, guide: 403 } },
  { what: "own group in the sidebar", method: "GET", path: "/api/sidebar/groups/chatA", expect: { admin: "ok", operator: "ok", manager: "ok", guide: "ok" } },
  { what: "another store's group in the sidebar", method: "GET", path: "/api/sidebar/groups/chatB", expect: { admin: "ok", operator: "ok", manager: 403, guide: 403 } },
  { what: "a member of the manager's store", method: "GET", path: "/api/console/members/M00000001", expect: { admin: "ok", operator: "ok", manager: "ok", guide: 403 } },
  { what: "a member of another store", method: "GET", path: "/api/console/members/M00000002", expect: { admin: "ok", operator: "ok", manager: 403, guide: 403 } },
  { what: "a member number that does not exist", method: "GET", path: "/api/console/members/M00000099", expect: { admin: "ok", operator: "ok", manager: 403, guide: 403 } },
  { what: "spending a member's points", method: "POST", path: "/api/console/members/M00000001/points/spend", body: {}, expect: { admin: "ok", operator: "ok", manager: 403, guide: 403 } },
  { what: "a customer in the console", method: "GET", path: "/api/console/customers/wmB", expect: { admin: "ok", operator: "ok", manager: 403, guide: 403 } },
  { what: "a group in the console", method: "GET", path: "/api/console/groups/chatB", expect: { admin: "ok", operator: "ok", manager: 403, guide: 403 } },
  { what: "reading the programme", method: "GET", path: "/api/console/program", expect: { admin: "ok", operator: "ok", manager: "ok", guide: 403 } },
  { what: "changing the programme", method: "PUT", path: "/api/console/program", body: {}, expect: { admin: "ok", operator: "ok", manager: 403, guide: 403 } },
  { what: "segments", method: "GET", path: "/api/console/segments", expect: { admin: "ok", operator: "ok", manager: 403, guide: 403 } },
  { what: "importing orders", method: "POST", path: "/api/console/orders", body: {}, expect: { admin: "ok", operator: "ok", manager: 403, guide: 403 } },
  { what: "KPIs (a manager's cut to their stores)", method: "GET", path: "/api/console/kpis", expect: { admin: "ok", operator: "ok", manager: "ok", guide: 403 } },
  { what: "KPIs of another store", method: "GET", path: "/api/console/kpis?storeId=102", expect: { admin: "ok", operator: "ok", manager: 403, guide: 403 } },
  { what: "the event log", method: "GET", path: "/api/console/events", expect: { admin: "ok", operator: 403, manager: 403, guide: 403 } },
  { what: "assigning roles", method: "PUT", path: "/api/console/employees/guideA/role", body: {}, expect: { admin: "ok", operator: 403, manager: 403, guide: 403 } },
  { what: "syncing the directory", method: "POST", path: "/api/console/directory/sync", body: {}, expect: { admin: "ok", operator: 403, manager: 403, guide: 403 } },
  { what: "the quick-reply library (read)", method: "GET", path: "/api/console/quick-replies", expect: { admin: "ok", operator: "ok", manager: "ok", guide: "ok" } },
  { what: "the quick-reply library (write)", method: "POST", path: "/api/console/quick-reply-folders", body: {}, expect: { admin: "ok", operator: "ok", manager: 403, guide: 403 } },
  // 催办's reach, asked through its preview (the send itself would go to WeCom): the whole company is
  // headquarters' alone, another store's guides are not a manager's.
  { what: "催办 the whole company", method: "GET", path: "/api/console/completion/remind/preview?scope=company", expect: { admin: "ok", operator: 403, manager: 403, guide: 403 } },
  { what: "催办 the manager's own store", method: "GET", path: "/api/console/completion/remind/preview?storeId=101", expect: { admin: "ok", operator: 403, manager: "ok", guide: 403 } },
  { what: "催办 another store's guides", method: "POST", path: "/api/console/completion/remind", body: { storeId: "102" }, expect: { admin: "ok", operator: 403, manager: 403, guide: 403 } },
];

// Every console and sidebar route (and who-am-I), per role: a letter where the role gets through
// (A admin, O operator, M manager, G guide), "-" where it gets 403. Parameters are store 101's
// records, so record-level scope lets the manager and the guide through where their role does.
// The suite compares these keys with the routes the routers declare: a route added without a
// line here fails it.
const ROUTE_POLICY: Record<string, string> = {
  "GET /api/auth/me": "AOMG",
  "GET /api/console/customers": "AOM-",
  "GET /api/console/customers/:externalUserId": "AOM-",
  "GET /api/console/customers/:externalUserId/tag-reasons": "AOM-",
  "GET /api/console/groups": "AOM-",
  "GET /api/console/groups/:chatId": "AOM-",
  "GET /api/console/groups/:chatId/daily": "AOM-",
  "GET /api/console/losses": "AOM-",
  "GET /api/console/losses/export": "AOM-",
  "GET /api/console/events": "A---",
  "POST /api/console/orders": "AO--",
  "GET /api/console/members": "AOM-",
  "GET /api/console/members/:memberNo": "AOM-",
  "POST /api/console/members/:memberNo/activities": "AO--",
  "POST /api/console/members/:memberNo/points/spend": "AO--",
  "POST /api/console/members/:memberNo/bindings": "AO--",
  "POST /api/console/members/merge": "AO--",
  "POST /api/console/member-merges/:mergeId/undo": "AO--",
  "GET /api/console/members/:memberNo/orders": "AOM-",
  "GET /api/console/members/:memberNo/ledger": "AOM-",
  "GET /api/console/members/:memberNo/benefits": "AOM-",
  "POST /api/console/members/:memberNo/benefits/:benefitCode/claim": "AO--",
  "POST /api/console/benefits/redeem": "AO--",
  "GET /api/console/program": "AOM-",
  "PUT /api/console/program": "AO--",
  "GET /api/console/program/history": "AOM-",
  "GET /api/console/tag-groups": "AOM-",
  "POST /api/console/tag-groups": "AO--",
  "POST /api/console/tag-groups/:groupId/tags": "AO--",
  "PATCH /api/console/tags/:id": "AO--",
  "POST /api/console/tags/delete": "AO--",
  "POST /api/console/follows/mark-tags": "AO--",
  "GET /api/console/tag-rules": "AOM-",
  "POST /api/console/tag-rules": "AO--",
  "PUT /api/console/tag-rules/:id": "AO--",
  "DELETE /api/console/tag-rules/:id": "AO--",
  "POST /api/console/segments/preview": "AO--",
  "POST /api/console/segments": "AO--",
  "GET /api/console/segments": "AO--",
  "GET /api/console/segments/:id": "AO--",
  "PUT /api/console/segments/:id": "AO--",
  "DELETE /api/console/segments/:id": "AO--",
  "GET /api/console/segments/:id/members": "AO--",
  "GET /api/console/segments/:id/export": "AO--",
  "GET /api/console/kpis": "AOM-",
  "GET /api/console/employees": "AOM-",
  "GET /api/console/stores": "AOM-",
  "POST /api/console/directory/sync": "A---",
  "PUT /api/console/employees/:userId/role": "A---",
  "GET /api/console/quick-reply-folders": "AOMG",
  "POST /api/console/quick-reply-folders": "AO--",
  "PUT /api/console/quick-reply-folders/:id": "AO--",
  "DELETE /api/console/quick-reply-folders/:id": "AO--",
  "GET /api/console/quick-replies": "AOMG",
  "POST /api/console/quick-replies": "AO--",
  "PUT /api/console/quick-replies/:id": "AO--",
  "DELETE /api/console/quick-replies/:id": "AO--",
  "GET /api/console/funnels": "AOM-",
  "POST /api/console/funnels": "AO--",
  "POST /api/console/funnels/images": "AO--",
  "GET /api/console/funnels/:id": "AOM-",
  "GET /api/console/funnels/:id/pool": "AOM-",
  "PUT /api/console/funnels/:id": "AO--",
  "DELETE /api/console/funnels/:id": "AO--",
  "GET /api/console/funnels/:id/qr.png": "AOM-",
  "GET /api/console/funnels/:id/poster": "AOM-",
  "GET /api/console/funnels/:id/stats": "AOM-",
  "GET /api/console/funnels/:id/stats.xlsx": "AOM-",
  "GET /api/console/channel-codes": "AOM-",
  "POST /api/console/channel-codes": "AO--",
  "GET /api/console/channel-codes/:id": "AOM-",
  "PUT /api/console/channel-codes/:id": "AO--",
  "DELETE /api/console/channel-codes/:id": "AO--",
  "GET /api/console/cash-transfers": "AO--",
  "GET /api/console/cash-transfers/status": "AO--",
  "POST /api/console/cash-transfers/:winId/retry": "AO--",
  "GET /api/console/channel-codes/:id/answering": "AOM-",
  "GET /api/console/channel-codes/:id/stats": "AOM-",
  "GET /api/console/channel-codes/:id/stats.xlsx": "AOM-",
  "GET /api/console/channel-codes/stats": "AOM-",
  "GET /api/console/channel-codes/stats.xlsx": "AOM-",
  "POST /api/console/channel-code-images": "AO--",
  "GET /api/console/bot/status": "AOM-",
  "GET /api/console/bot/rules": "AOM-",
  "GET /api/console/bot/draw-options": "AOM-",
  "POST /api/console/bot/rules": "AO--",
  "GET /api/console/bot/rules/:id": "AOM-",
  "PUT /api/console/bot/rules/:id": "AO--",
  "DELETE /api/console/bot/rules/:id": "AO--",
  "GET /api/console/draws": "AOM-",
  "POST /api/console/draws": "AO--",
  "GET /api/console/draws/:id": "AOM-",
  "PUT /api/console/draws/:id": "AO--",
  "DELETE /api/console/draws/:id": "AO--",
  "POST /api/console/draws/:id/status": "AO--",
  "GET /api/console/draws/:id/stats": "AOM-",
  "GET /api/console/draws/:id/winners": "AOM-",
  // Managers read the lines about their stores' customers only (cut like the winners).
  "GET /api/console/draws/:id/audit": "AOM-",
  "GET /api/console/draws/:id/winners/export": "AO--",
  "PUT /api/console/draws/:id/winners/:winId/fulfilment": "AO--",
  "GET /api/console/moments": "AOM-",
  "GET /api/console/moments/mix": "AOM-",
  "POST /api/console/moments": "AO--",
  "GET /api/console/moments/:id": "AOM-",
  "PUT /api/console/moments/:id": "AO--",
  "DELETE /api/console/moments/:id": "AO--",
  "POST /api/console/moments/:id/cancel": "AO--",
  "POST /api/console/moments/:id/retry": "AO--",
  "GET /api/console/mass-messages": "AOM-",
  "POST /api/console/mass-messages/preview": "AO--",
  "POST /api/console/mass-messages": "AO--",
  "GET /api/console/mass-messages/:id": "AOM-",
  "PUT /api/console/mass-messages/:id": "AO--",
  "DELETE /api/console/mass-messages/:id": "AO--",
  "POST /api/console/mass-messages/:id/send": "AO--",
  "POST /api/console/mass-messages/:id/cancel": "AO--",
  "POST /api/console/mass-messages/:id/wecom-remind": "AO--",
  "POST /api/console/mass-messages/:id/retry": "AO--",
  "GET /api/console/transfers/unassigned": "AOM-",
  "GET /api/console/transfers/departed": "AOM-",
  "GET /api/console/transfers/candidates": "AOM-",
  "POST /api/console/transfers": "A-M-",
  "POST /api/console/transfers/groups": "A-M-",
  "GET /api/console/transfers": "AOM-",
  "POST /api/console/transfers/:id/retry": "A-M-",
  "POST /api/console/transfers/unassigned/sync": "A-M-",
  "POST /api/console/transfers/refresh": "A-M-",
  "GET /api/console/transfers/groups": "AOM-",
  "GET /api/console/task-rules": "AOM-",
  "PUT /api/console/task-rules": "AO--",
  // Completion dashboards: managers read their own stores (other stores, regions 403 by scope) and 催办.
  "GET /api/console/completion/company": "AOM-",
  "GET /api/console/completion/regions/:regionId": "AOM-",
  "GET /api/console/completion/stores/:storeId": "AOM-",
  "GET /api/console/completion/stores/:storeId/kpis": "AOM-",
  "GET /api/console/completion/guides/:userId": "AOM-",
  "GET /api/console/completion/guides/:userId/undone": "AOM-",
  "GET /api/console/completion/export": "AOM-",
  "POST /api/console/completion/remind": "A-M-",
  "GET /api/console/completion/remind/preview": "A-M-",
  "GET /api/console/campaigns/moment/:id/completion": "AOM-",
  "GET /api/console/campaigns/moment/:id/guides": "AOM-",
  "GET /api/console/campaigns/moment/:id/guides.xlsx": "AOM-",
  "GET /api/console/campaigns/mass/:id/completion": "AOM-",
  "GET /api/console/campaigns/mass/:id/guides": "AOM-",
  "GET /api/console/campaigns/mass/:id/guides.xlsx": "AOM-",
  "GET /api/console/campaigns/guides/:userId": "AOM-",
  "POST /api/console/campaigns/moment/:id/remind": "AOM-",
  "POST /api/console/campaigns/mass/:id/remind": "AOM-",
  "POST /api/console/media": "AO--",
  "GET /api/console/media": "AOM-",
  "GET /api/console/media/:id/content": "AOM-",
  "GET /api/sidebar/customers/:externalUserId": "AOMG",
  "POST /api/sidebar/customers/:externalUserId/tags": "AOMG",
  "POST /api/sidebar/customers/:externalUserId/notes": "AOMG",
  "POST /api/sidebar/benefits/redeem": "AOMG",
  "GET /api/sidebar/draws": "AOMG",
  "POST /api/sidebar/draw-links": "AOMG",
  "GET /api/sidebar/tags": "AOMG",
  "GET /api/sidebar/groups/:chatId": "AOMG",
  "GET /api/sidebar/jssdk/signature": "AOMG",
  "GET /api/sidebar/jssdk/dev-contexts": "AOMG",
  "GET /api/sidebar/quick-reply-folders": "AOMG",
  "GET /api/sidebar/quick-replies": "AOMG",
  "GET /api/sidebar/changes": "AOMG",
  // A guide's own tasks: every role opening the sidebar sees its own list; a task is done only by
  // its guide (taskId is guideA's task; done's empty body is refused at validation, before the owner check).
  "GET /api/sidebar/tasks": "AOMG",
  "GET /api/sidebar/customers/:externalUserId/tasks": "AOMG",
  "POST /api/sidebar/customers/:externalUserId/sent": "AOMG",
  "POST /api/sidebar/tasks/:taskId/done": "AOMG",
  "POST /api/sidebar/tasks/:taskId/sent": "---G",
};
// Store 101's records (see seedTwoStores); ids that exist nowhere for the rest.
const PARAMS = { externalUserId: "wmA", chatId: "chatA", memberNo: "M00000001", userId: "guideA", taskId: "greeting:wmA:guideA" };

describe("authorization matrix (role × resource × action)", () => {
  const context = useTestServer();
  const clients = {} as Record<Role, SessionClient>;

  beforeEach(async () => {
    await seedTwoStores();
    clients.admin = await loginAs(context.server, { userId: "boss", role: "admin" });
    clients.operator = await loginAs(context.server, { userId: "ops", role: "operator" });
    clients.manager = await loginAs(context.server, { userId: "mgrA", role: "manager", scopeStoreIds: ["101"], departmentIds: [101] });
    clients.guide = await loginAs(context.server, { userId: "guideA", role: "guide", departmentIds: [101] });
    await loginAs(context.server, { userId: "guideB", role: "guide", departmentIds: [102] });
  });

  it("should let each role through exactly where the matrix says", async () => {
    const mismatches: string[] = [];
    for (const entry of MATRIX) {
      for (const role of ROLES) {
        const response = await clients[role].send(entry.method, entry.path, entry.body);
        const allowed = response.status !== 401 && response.status !== 403;
        const expected = entry.expect[role];
        if ((expected === "ok") !== allowed) {
          mismatches.push(`${role} ${entry.method} ${entry.path} (${entry.what}): got ${response.status} ${response.body.message ?? ""}`);
        }
      }
    }
    assert.deepEqual(mismatches, []);
  });

  it("should have a policy line for every console and sidebar route the routers declare", () => {
    const declared = appRoutes()
      .map((route) => route.key)
      .filter((key) => !PUBLIC_ROUTES.has(key) && /^\w+ \/api\//.test(key));
    assert.deepEqual(declared.filter((key) => !(key in ROUTE_POLICY)), [], "routes without a policy line");
    assert.deepEqual(Object.keys(ROUTE_POLICY).filter((key) => !declared.includes(key)), [], "policy lines for routes that no longer exist");
  });

  it("should let each role through every declared route exactly where its policy line says", async () => {
    const mismatches: string[] = [];
    for (const [key, policy] of Object.entries(ROUTE_POLICY)) {
      const [method = "GET", path = ""] = key.split(" ");
      for (const [index, role] of ROLES.entries()) {
        const response = await clients[role].send(method, concretePath(path, PARAMS), method === "GET" ? undefined : {});
        const allowed = response.status !== 401 && response.status !== 403;
        if ((policy[index] !== "-") !== allowed) {
          mismatches.push(`${role} ${key}: got ${response.status} ${response.body.message ?? ""}`);
        }
      }
    }
    assert.deepEqual(mismatches, []);
  });

  it("should refuse a guide asking for another guide's customer with nothing about the customer in the answer, and change nothing", async () => {
    const read = await clients.guide.get("/api/sidebar/customers/wmB");
    assert.equal(read.status, 403);
    assert.deepEqual(read.body, { ok: false, error: "authorization_error", status: 403, message: "该客户不是您的客户" });
    const unknown = await clients.guide.get("/api/sidebar/customers/wmNobody");
    assert.deepEqual(unknown.body, read.body, "an unknown id and someone else's customer look the same");
    const note = await clients.guide.send("POST", "/api/sidebar/customers/wmB/notes", { text: "偷看" });
    assert.equal(note.status, 403);
    assert.equal(await CustomerNote.countDocuments({}), 0);
  });

  it("should stop seeing a customer once the follow ends", async () => {
    assert.equal((await clients.guide.get("/api/sidebar/customers/wmA")).status, 200);
    await Follow.updateOne({ externalUserId: "wmA", userId: "guideA" }, { $set: { status: "deleted_by_customer" } });
    assert.equal((await clients.guide.get("/api/sidebar/customers/wmA")).status, 403);
  });

  it("should refuse requests without a session or token, and a forged cookie", async () => {
    for (const path of ["/api/sidebar/customers/wmA", "/api/console/members/M00000001"]) {
      assert.equal((await fetch(`${context.server.url}${path}`)).status, 401);
      const forged = clients.guide.cookie.replace(/scrm_sid=[^;]+/, "scrm_sid=forged-token");
      assert.equal((await fetch(`${context.server.url}${path}`, { headers: { cookie: forged } })).status, 401);
      assert.equal((await fetch(`${context.server.url}${path}`, { headers: { authorization: `Bearer ${API_TOKEN}x` } })).status, 401);
    }
  });

  it("should refuse a cookie-authenticated write from another origin", async () => {
    const response = await fetch(`${context.server.url}/api/sidebar/customers/wmA/notes`, {
      method: "POST",
      headers: { cookie: clients.guide.cookie, "content-type": "application/json", origin: "https://evil.example" },
      body: JSON.stringify({ text: "x" }),
    });
    assert.equal(response.status, 403);
    assert.equal(await CustomerNote.countDocuments({}), 0);
  });

  it("should apply a role change at once, without a new login", async () => {
    assert.equal((await clients.guide.get("/api/console/program")).status, 403);
    const promote = await fetch(`${context.server.url}/api/console/employees/guideA/role`, {
      method: "PUT",
      headers: { authorization: `Bearer ${API_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ role: "operator", scopeStoreIds: [] }),
    });
    assert.equal(promote.status, 200);
    assert.equal((await clients.guide.get("/api/console/program")).status, 200);
  });
});
