import { Customer } from "../../models/Customer.ts";
import { CustomerNote } from "../../models/CustomerNote.ts";
import { Follow } from "../../models/Follow.ts";
import { Group } from "../../models/Group.ts";
import { Member } from "../../models/Member.ts";
import { MemberIdentity } from "../../models/MemberIdentity.ts";
import { Order } from "../../models/Order.ts";
import { TagApplication } from "../../models/TagApplication.ts";
import { presentCustomer, presentNames, type PresentedCustomerDetail, type PresentedTimelineEntry } from "../../presenters/customer.ts";
import { memberLinks, nameBook } from "./customerList.ts";

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/**
 * Everything the console's customer page shows. Every read goes by a key or an indexed field:
 * the customer, its follows (unique pair), its groups and notes by the ids the customer keeps,
 * the member by its identity key and the member's recent orders by id, the auto-tags by
 * customer. The timeline is put together from those, so no collection is scanned for it.
 *
 * @param externalUserId the customer.
 * @returns the page's data, or null for a customer nobody knows.
 */
export async function customerDetail(externalUserId: string): Promise<PresentedCustomerDetail | null> {
  const customer = await Customer.findOne({ externalUserId }).lean();
  if (!customer) {
    return null;
  }
  const [follows, groups, notes, applications, links, identity] = await Promise.all([
    Follow.find({ externalUserId }).sort({ addedAt: 1, _id: 1 }).lean(),
    Promise.all((customer.groupChatIds ?? []).map((chatId) => Group.findOne({ chatId }, { chatId: 1, name: 1, members: { $elemMatch: { id: externalUserId } } }).lean())),
    Promise.all([...(customer.recentNoteIds ?? [])].reverse().map((id) => CustomerNote.findById(id).lean())),
    TagApplication.find({ externalUserId }).lean(),
    memberLinks([externalUserId]),
    MemberIdentity.findById(`customer:${externalUserId}`, { memberId: 1 }).lean(),
  ]);
  const member = identity ? await Member.findById(identity.memberId, { "metrics.recentOrders": 1 }).lean() : null;
  const orders = await Promise.all((member?.metrics?.recentOrders ?? []).map((recent) => Order.findById(recent.orderId, { amount: 1, paidAt: 1, guideUserId: 1 }).lean()));
  const presentNotes = notes.flatMap((note) => (note ? [note] : []));
  const otherPeople = [...presentNotes.map((note) => note.authorUserId), ...orders.flatMap((order) => (order?.guideUserId ? [order.guideUserId] : []))];
  const names = await nameBook(follows, otherPeople);
  const guide = (userId: string | null | undefined) => (userId ? (names.employees.get(userId) ?? "") : "");

  const timeline: PresentedTimelineEntry[] = [];
  for (const follow of follows) {
    if (follow.addedAt) {
      timeline.push({ at: follow.addedAt.toISOString(), kind: "added", guideName: guide(follow.userId), subject: follow.state });
    }
    if (follow.statusChangedAt && (follow.status === "deleted_by_customer" || follow.status === "deleted_by_employee")) {
      timeline.push({ at: follow.statusChangedAt.toISOString(), kind: follow.status, guideName: guide(follow.userId), subject: "" });
    }
  }
  for (const application of applications) {
    timeline.push({ at: application.at.toISOString(), kind: "tagged", guideName: guide(application.userId), subject: names.tags.get(application.tagId) ?? "已删除的标签" });
  }
  const knownGroups = groups.flatMap((group) => (group ? [group] : []));
  for (const group of knownGroups) {
    const membership = group.members[0];
    if (membership?.joinedAt) {
      timeline.push({ at: membership.joinedAt.toISOString(), kind: "joined_group", guideName: "", subject: group.name || "未命名群" });
    }
    if (membership?.status === "left" && membership.leftAt) {
      timeline.push({ at: membership.leftAt.toISOString(), kind: "left_group", guideName: "", subject: group.name || "未命名群" });
    }
  }
  for (const order of orders) {
    if (order) {
      timeline.push({ at: order.paidAt.toISOString(), kind: "bought", guideName: guide(order.guideUserId), subject: yuan(order.amount) });
    }
  }
  for (const note of presentNotes) {
    timeline.push({ at: note.createdAt.toISOString(), kind: "note", guideName: guide(note.authorUserId), subject: note.text });
  }
  timeline.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));

  return {
    ...presentCustomer(customer, follows),
    names: presentNames(follows, names, otherPeople),
    endedAt: Object.fromEntries(follows.flatMap((follow) => (follow.status !== "active" && follow.statusChangedAt ? [[follow.userId, follow.statusChangedAt.toISOString()]] : []))),
    groups: knownGroups.map((group) => ({ chatId: group.chatId, name: group.name || "未命名群" })),
    member: links.get(externalUserId) ?? null,
    notes: presentNotes.map((note) => ({ id: String(note._id), authorName: guide(note.authorUserId), text: note.text, at: note.createdAt.toISOString() })),
    timeline,
  };
}
