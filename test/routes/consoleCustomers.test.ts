import assert from "node:assert/strict";
import { Customer } from "../../server/models/Customer.ts";
import { CustomerNote } from "../../server/models/CustomerNote.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Group } from "../../server/models/Group.ts";
import { Member } from "../../server/models/Member.ts";
import { MemberIdentity } from "../../server/models/MemberIdentity.ts";
import { TagApplication } from "../../server/models/TagApplication.ts";
import { TagGroup } from "../../server/models/TagGroup.ts";
import type { ListedCustomer, PresentedCustomerDetail } from "../../server/presenters/customer.ts";
import { aMemberWithOrders, anEmployee, aStore } from "../support/factories.ts";
import { consoleGet, useTestServer } from "../support/server.ts";
import { loginAs } from "../support/sessions.ts";

const day = (text: string) => new Date(`${text}T10:00:00+08:00`);

// Store 101 (guideA, guideC) and store 102 (guideB). Six customers with one or two follows each.
async function seed(): Promise<void> {
  await aStore(101, "上海静安店");
  await aStore(102, "北京三里屯店");
  await anEmployee("guideA", { name: "张导购", departmentIds: [101] });
  await anEmployee("guideC", { name: "陈导购", departmentIds: [101] });
  await anEmployee("guideB", { name: "李导购", departmentIds: [102] });
  await TagGroup.create({ groupId: "egV", name: "价值", tags: [{ id: "etVIP", name: "高价值" }] });
  const customers: [string, string, string, Partial<{ status: "active" | "deleted_by_customer" | "deleted_by_employee"; tagIds: string[]; state: string; addedAt: Date }>][] = [
    ["wm1", "王小姐", "guideA", { tagIds: ["etVIP"], state: "store_101", addedAt: day("2026-03-01") }],
    ["wm2", "王先生", "guideA", { status: "deleted_by_customer", state: "store_101", addedAt: day("2026-03-05") }],
    ["wm3", "李女士", "guideB", { state: "live_room", addedAt: day("2026-04-01") }],
    ["wm4", "赵先生", "guideB", { status: "deleted_by_employee", addedAt: day("2026-04-10") }],
    ["wm5", "钱女士", "guideC", { addedAt: day("2026-05-01") }],
    ["wm6", "孙先生", "guideB", { tagIds: ["etVIP"], addedAt: day("2026-05-02") }],
  ];
  for (const [index, [externalUserId, name, guide, follow]] of customers.entries()) {
    // createdAt orders the list, newest first: wm6 … wm1.
    await Customer.create({ externalUserId, name, createdAt: new Date(Date.UTC(2026, 0, 1 + index)) });
    await Follow.create({ externalUserId, userId: guide, status: "active", tagIds: [], state: "", ...follow });
  }
  // wm6 is also followed by guideA, so a manager of 101 sees wm6 too.
  await Follow.create({ externalUserId: "wm6", userId: "guideA", status: "active", addedAt: day("2026-05-03") });
  const member = await Member.create({ memberNo: "M00000001", name: "王小姐", levelCode: "regular", externalUserIds: ["wm1"] });
  await MemberIdentity.create({ _id: "customer:wm1", kind: "customer", memberId: member._id, via: "wecom", at: new Date() });
}

describe("GET /api/console/customers", () => {
  const context = useTestServer();
  beforeEach(seed);

  const list = async (query: string) => {
    const response = await consoleGet(context.server, `/api/console/customers${query}`);
    assert.equal(response.status, 200, JSON.stringify(response.body));
    const body = response.body as unknown as { data: ListedCustomer[]; pagination: { total: number } };
    return { ids: body.data.map((row) => row.externalUserId), total: body.pagination.total, rows: body.data };
  };

  it("should list every customer newest first with follows, names and the member link", async () => {
    const { ids, total, rows } = await list("");
    assert.deepEqual(ids, ["wm6", "wm5", "wm4", "wm3", "wm2", "wm1"]);
    assert.equal(total, 6);
    const first = rows.find((row) => row.externalUserId === "wm1");
    assert.deepEqual(first?.member, { memberNo: "M00000001", levelName: "普通会员" });
    assert.deepEqual(first?.names, { guides: { guideA: "张导购" }, tags: { etVIP: "高价值" } });
    assert.equal(rows.find((row) => row.externalUserId === "wm6")?.follows.length, 2);
  });

  it("should filter by each field", async () => {
    assert.deepEqual((await list("?q=王")).ids, ["wm2", "wm1"]);
    assert.deepEqual((await list("?guide=guideB")).ids, ["wm6", "wm4", "wm3"]);
    assert.deepEqual((await list("?storeId=101")).ids, ["wm6", "wm5", "wm2", "wm1"]);
    assert.deepEqual((await list("?tagId=etVIP")).ids, ["wm6", "wm1"]);
    assert.deepEqual((await list("?state=store_101")).ids, ["wm2", "wm1"]);
    assert.deepEqual((await list("?addedFrom=2026-04-01&addedTo=2026-04-30")).ids, ["wm4", "wm3"]);
    assert.deepEqual((await list("?member=yes")).ids, ["wm1"]);
    assert.deepEqual((await list("?member=no")).ids, ["wm6", "wm5", "wm4", "wm3", "wm2"]);
    assert.deepEqual((await list("?status=deleted_by_customer")).ids, ["wm2"]);
    assert.deepEqual((await list("?status=deleted_by_employee")).ids, ["wm4"]);
    // Filters on follows hold for one follow: guideB's follow of wm6 is active, guideA's is not tagged.
    assert.deepEqual((await list("?guide=guideA&tagId=etVIP")).ids, ["wm1"]);
  });

  it("should link a customer whose member was merged to the member it was merged into", async () => {
    const into = await Member.create({ memberNo: "M00000009", name: "钱女士", levelCode: "gold" });
    const merged = await Member.create({ memberNo: "M00000008", name: "钱女士", levelCode: "regular", mergedInto: into._id });
    await MemberIdentity.create({ _id: "customer:wm5", kind: "customer", memberId: merged._id, via: "wecom", at: new Date() });
    const row = (await list("?q=钱")).rows[0];
    assert.deepEqual(row?.member, { memberNo: "M00000009", levelName: "金卡会员" });
  });

  it("should page on the database with the total", async () => {
    const first = await list("?page=1&pageSize=4");
    const second = await list("?page=2&pageSize=4");
    assert.deepEqual(first.ids, ["wm6", "wm5", "wm4", "wm3"]);
    assert.deepEqual(second.ids, ["wm2", "wm1"]);
    assert.equal(second.total, 6);
  });

  it("should refuse filters naming nobody, in Chinese with the field", async () => {
    const guide = await consoleGet(context.server, "/api/console/customers?guide=nobody");
    assert.equal(guide.status, 400);
    assert.equal(guide.body.message, "guide: 找不到该导购");
    const store = await consoleGet(context.server, "/api/console/customers?storeId=999");
    assert.equal(store.body.message, "storeId: 找不到该门店");
    const date = await consoleGet(context.server, "/api/console/customers?addedFrom=2026-02-30");
    assert.equal(date.status, 400);
    assert.match(String(date.body.message), /^query\.addedFrom: |^addedFrom: /);
  });

  it("should show a manager only customers their stores' guides actively follow", async () => {
    const manager = await loginAs(context.server, { userId: "mgr101", role: "manager", scopeStoreIds: ["101"], departmentIds: [101] });
    const answer = await manager.get("/api/console/customers");
    assert.equal(answer.status, 200);
    const body = answer.body as unknown as { data: ListedCustomer[]; pagination: { total: number } };
    assert.deepEqual(body.data.map((row) => row.externalUserId), ["wm6", "wm5", "wm1"]);
    assert.equal(body.pagination.total, 3);
    const filtered = await manager.get("/api/console/customers?guide=guideB");
    assert.deepEqual((filtered.body.data as ListedCustomer[]).map((row) => row.externalUserId), ["wm6"]);
  });

  it("should refuse a guide", async () => {
    const guide = await loginAs(context.server, { userId: "guideA", role: "guide", departmentIds: [101], name: "张导购" });
    assert.equal((await guide.get("/api/console/customers")).status, 403);
  });
});

describe("GET /api/console/customers/:externalUserId (the customer page)", () => {
  const context = useTestServer();
  beforeEach(seed);

  it("should answer follows, names, groups, member, notes and a timeline newest first", async () => {
    await Group.create({ chatId: "chat1", name: "静安会员群", ownerId: "guideA", members: [{ id: "wm1", type: "customer", status: "in", joinedAt: day("2026-03-02") }] });
    const note = await CustomerNote.create({ externalUserId: "wm1", authorUserId: "guideA", text: "喜欢香氛", createdAt: day("2026-03-04") });
    await Customer.updateOne({ externalUserId: "wm1" }, { $set: { groupChatIds: ["chat1"], recentNoteIds: [note._id] } });
    await TagApplication.create({ _id: "r:wm1:guideA:etVIP", ruleId: "65a000000000000000000001", externalUserId: "wm1", userId: "guideA", tagId: "etVIP", reason: "渠道活码", at: day("2026-03-01") });
    await Follow.create({ externalUserId: "wm1", userId: "guideB", status: "deleted_by_customer", addedAt: day("2026-03-06"), statusChangedAt: day("2026-03-08") });
    await Member.deleteMany({});
    await MemberIdentity.deleteMany({});
    await aMemberWithOrders({ unionid: "oUnionWm1", name: "王小姐" }, [{ yuan: 128, paidAt: "2026-03-03T12:00:00+08:00" }]);
    const linked = await Member.findOne({}).lean();
    await MemberIdentity.create({ _id: "customer:wm1", kind: "customer", memberId: linked?._id, via: "wecom", at: new Date() });

    const response = await consoleGet(context.server, "/api/console/customers/wm1");
    assert.equal(response.status, 200);
    const data = response.body.data as PresentedCustomerDetail;
    assert.equal(JSON.stringify(response.body).includes("oUnionWm1"), false);
    assert.deepEqual(data.follows.map((follow) => [follow.userId, follow.status]), [["guideA", "active"], ["guideB", "deleted_by_customer"]]);
    assert.deepEqual(data.names.guides, { guideA: "张导购", guideB: "李导购" });
    assert.deepEqual(data.names.tags, { etVIP: "高价值" });
    assert.deepEqual(data.groups, [{ chatId: "chat1", name: "静安会员群" }]);
    assert.equal(data.member?.memberNo.startsWith("M"), true);
    assert.deepEqual(data.notes.map((item) => [item.authorName, item.text]), [["张导购", "喜欢香氛"]]);
    assert.deepEqual(data.endedAt, { guideB: day("2026-03-08").toISOString() });
    assert.deepEqual(
      data.timeline.map((entry) => [entry.at.slice(0, 10), entry.kind, entry.guideName, entry.subject]),
      [
        ["2026-03-08", "deleted_by_customer", "李导购", ""],
        ["2026-03-06", "added", "李导购", ""],
        ["2026-03-04", "note", "张导购", "喜欢香氛"],
        ["2026-03-03", "bought", "", "¥128.00"],
        ["2026-03-02", "joined_group", "", "静安会员群"],
        ["2026-03-01", "added", "张导购", "store_101"],
        ["2026-03-01", "tagged", "张导购", "高价值"],
      ],
    );
  });
});
