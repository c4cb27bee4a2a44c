// The guide's world the sidebar browser tests share: stores, guides, customers with follows and
// tags, members with an order, a group chat and a quick-reply library made through the console API.
import assert from "node:assert/strict";
import type { Page } from "playwright-core";
import { Customer } from "../../server/models/Customer.ts";
import { Department } from "../../server/models/Department.ts";
import { Employee } from "../../server/models/Employee.ts";
import { Follow } from "../../server/models/Follow.ts";
import { Group } from "../../server/models/Group.ts";
import { Member } from "../../server/models/Member.ts";
import { MemberIdentity } from "../../server/models/MemberIdentity.ts";
import { Order } from "../../server/models/Order.ts";
import { TagGroup } from "../../server/models/TagGroup.ts";
import { consoleSend, type TestServer } from "../support/server.ts";

export const WELCOME = "您好，我是静安店的导购小王～有任何护肤问题随时问我，本周到店还有会员专享试用哦。";

/**
 * Store 101 with guide guideA, whose customer wmA (王小姐) is a silver member with points, tags on
 * the follow and an order; wmB (李先生) is guideB's customer in store 102. Corp tags in two
 * groups, a group chat of guideA's, and two quick replies made through the console API.
 */
export async function seedGuideWorld(server: TestServer): Promise<void> {
  const now = Date.now();
  const daysAgo = (days: number) => new Date(now - days * 86_400_000);
  await Department.create([
    { departmentId: 1, name: "某某美妆", parentId: 0 },
    { departmentId: 101, name: "上海静安店", parentId: 1 },
    { departmentId: 102, name: "北京三里屯店", parentId: 1 },
  ]);
  await Employee.create([
    { userId: "guideA", name: "导购小王", departmentIds: [101], mainDepartmentId: 101, role: "guide" },
    { userId: "guideB", name: "导购小李", departmentIds: [102], mainDepartmentId: 102, role: "guide" },
  ]);
  await Customer.create([
    { externalUserId: "wmA", name: "王小姐", wecomType: 1, gender: 2, groupChatIds: ["chatA"] },
    { externalUserId: "wmB", name: "李先生", wecomType: 1, gender: 1 },
    { externalUserId: "wmC", name: "路人甲", wecomType: 1 },
  ]);
  await Follow.create([
    { externalUserId: "wmA", userId: "guideA", remark: "王小姐-静安", addWay: 1, state: "store101-counter", tagIds: ["etVip"], addedAt: daysAgo(120), status: "active" },
    { externalUserId: "wmB", userId: "guideB", remark: "李先生-三里屯", addWay: 1, tagIds: ["etNew"], addedAt: daysAgo(30), status: "active" },
  ]);
  await TagGroup.create([
    { groupId: "etG1", name: "客户价值", order: 2, tags: [{ id: "etVip", name: "高价值" }, { id: "etNew", name: "新客" }] },
    { groupId: "etG2", name: "兴趣偏好", order: 1, tags: [{ id: "etSkin", name: "护肤" }, { id: "etMakeup", name: "彩妆" }] },
  ]);
  // Silver (1000–5000 growth by default): 4380 growth is ¥620 short of gold.
  const [memberA, memberB] = await Member.create([
    {
      memberNo: "M10000001",
      name: "王小姐",
      phoneMasked: "138****0001",
      levelCode: "silver",
      levelValidUntil: daysAgo(-300),
      growth: 4380,
      points: 1234,
      homeStoreId: "101",
      joinedAt: daysAgo(120),
      sourceChannel: "store",
      externalUserIds: ["wmA"],
      guideUserIds: ["guideA"],
      tagIds: ["etVip"],
      groupChatIds: ["chatA"],
      metrics: { totalSpent: 438_000, orderCount: 1, averageOrderValue: 438_000, firstPurchaseAt: daysAgo(20), lastPurchaseAt: daysAgo(20), purchaseTimes: [daysAgo(20)], recentOrders: [{ orderId: "store:SO20240001", paidAt: daysAgo(20) }] },
    },
    { memberNo: "M10000002", name: "李先生", levelCode: "regular", homeStoreId: "102", externalUserIds: ["wmB"], guideUserIds: ["guideB"] },
  ]);
  await MemberIdentity.create([
    { _id: "customer:wmA", kind: "customer", memberId: memberA?._id, via: "wecom", at: daysAgo(120) },
    { _id: "customer:wmB", kind: "customer", memberId: memberB?._id, via: "wecom", at: daysAgo(30) },
  ]);
  await Order.create({ _id: "store:SO20240001", channel: "store", orderNo: "SO20240001", memberId: memberA?._id, amount: 438_000, status: "paid", paidAt: daysAgo(20), storeId: "101", guideUserId: "guideA" });
  await Group.create({
    chatId: "chatA",
    name: "静安会员福利群",
    ownerId: "guideA",
    members: [
      { id: "guideA", type: "employee", status: "in", joinScene: 1, joinedAt: daysAgo(60) },
      // The group event named nobody: the view names her from her customer record.
      { id: "wmA", type: "customer", status: "in", joinScene: 3, joinedAt: daysAgo(50) },
      { id: "wmC", type: "customer", name: "路人甲", status: "in", joinScene: 3, joinedAt: daysAgo(10) },
    ],
  });
  // The library as an operator builds it in the console.
  const welcome = await consoleSend(server, "POST", "/api/console/quick-reply-folders", { name: "开场白" });
  const afterSale = await consoleSend(server, "POST", "/api/console/quick-reply-folders", { name: "售后" });
  assert.equal(welcome.status, 201, JSON.stringify(welcome.body));
  const folderId = (welcome.body.data as { id: string }).id;
  const afterSaleId = (afterSale.body.data as { id: string }).id;
  for (const reply of [
    { folderId, title: "欢迎语", kind: "text", content: { text: WELCOME } },
    { folderId: afterSaleId, title: "退换货说明", kind: "text", content: { text: "未拆封商品 7 天内可凭小票到店退换。" } },
  ]) {
    const created = await consoleSend(server, "POST", "/api/console/quick-replies", reply);
    assert.equal(created.status, 201, JSON.stringify(created.body));
  }
}

/** An element by its data-test name. */
export const byTest = (page: Page, name: string) => page.locator(`[data-test="${name}"]`);
