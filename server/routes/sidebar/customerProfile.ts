import { benefitStatuses } from "../../commands/benefitClaimer.ts";
import { currentProgram } from "../../commands/programStore.ts";
import { Customer } from "../../models/Customer.ts";
import { CustomerNote } from "../../models/CustomerNote.ts";
import { Employee } from "../../models/Employee.ts";
import { Follow } from "../../models/Follow.ts";
import { Group } from "../../models/Group.ts";
import { Member } from "../../models/Member.ts";
import { MemberIdentity } from "../../models/MemberIdentity.ts";
import { Order } from "../../models/Order.ts";
import { TagGroup } from "../../models/TagGroup.ts";
import { presentBenefitStatus } from "../../presenters/benefit.ts";
import { presentMember } from "../../presenters/member.ts";
import { ChannelCode } from "../../models/ChannelCode.ts";
import { presentSidebarCustomer, type SidebarCustomer } from "../../presenters/sidebarCustomer.ts";


/**
 * Everything the sidebar shows about a customer, as seen by one guide (their follow's remark and
 * tags). Reads go by unique keys where they can (customer, follow, identity, member), the rest in
 * parallel, so the first screen is one round of lookups.
 *
 * @param externalUserId the customer in the chat.
 * @param userId the guide whose follow it is.
 * @param now the clock.
 * @returns the profile, or null when the customer is unknown.
 */
export async function customerProfile(externalUserId: string, userId: string | null, now: Date): Promise<SidebarCustomer | null> {
  const [customer, follow, identity, tagGroups, { program }] = await Promise.all([
    Customer.findOne({ externalUserId }).lean(),
    userId ? Follow.findOne({ externalUserId, userId }).lean() : Follow.findOne({ externalUserId, status: "active" }).lean(),
    MemberIdentity.findById(`customer:${externalUserId}`, { memberId: 1 }).lean(),
    TagGroup.find({}).lean(),
    currentProgram(),
  ]);
  if (!customer) {
    return null;
  }
  const [member, notes, channelCode] = await Promise.all([
    identity ? Member.findById(identity.memberId).lean() : null,
    Promise.all([...(customer.recentNoteIds ?? [])].reverse().map((id) => CustomerNote.findById(id).lean())).then((found) => found.flatMap((note) => (note ? [note] : []))),
    // A channel code's state is its unique key: one key read for the name the guide reads.
    follow?.state ? ChannelCode.findOne({ state: follow.state }, { name: 1 }).lean() : null,
  ]);
  const [orders, benefits, groups, authors] = await Promise.all([
    // The member keeps its latest order ids, so these are key reads, not a scan of all orders.
    member ? Promise.all([...(member.metrics?.recentOrders ?? [])].reverse().map((recent) => Order.findById(recent.orderId).lean())) : [],
    member ? benefitStatuses(member, program, now) : [],
    Promise.all((customer.groupChatIds ?? []).map((chatId) => Group.findOne({ chatId }, { chatId: 1, name: 1, members: 1 }).lean())),
    Employee.find({ userId: { $in: [...new Set(notes.map((note) => note.authorUserId))] } }, { userId: 1, name: 1 }).lean(),
  ]);
  return presentSidebarCustomer({
    customer,
    follow,
    member: member ? presentMember(member, program, now) : null,
    benefits: benefits.map((status) => presentBenefitStatus(status)),
    orders: orders.flatMap((order) => (order ? [order] : [])),
    groups: groups.filter((group) => group !== null),
    notes,
    authorNames: new Map(authors.map((author) => [author.userId, author.name])),
    tagGroups,
    channelName: channelCode?.name,
  });
}
