import { levelUpOccasion, SILENT_CATCH_UP_DAYS, type Occasion } from "../domain/taskOccasions.ts";
import { Customer } from "../models/Customer.ts";
import { Member } from "../models/Member.ts";
import { MemberIdentity } from "../models/MemberIdentity.ts";
import { chooseGuide } from "./massMessageAudience.ts";
import { currentProgram } from "./programStore.ts";
import taskInserter from "./taskInserter.ts";
import { currentTaskRules } from "./taskRuleStore.ts";

const HOUR = 3_600_000;

/**
 * A guide added a customer: a greeting task due N hours after the add, once per customer and
 * guide (`greeting:<external_userid>:<userid>`), so a replayed or re-delivered event makes nothing new.
 *
 * @param props the customer, the guide, when they were added, and the clock.
 * @returns true when a task was made now.
 */
export async function greetingTask(props: { externalUserId: string; userId: string; addedAt: Date; now: Date }): Promise<boolean> {
  const [{ rules }, { program }] = await Promise.all([currentTaskRules(), currentProgram()]);
  const dueAt = new Date(props.addedAt.getTime() + rules.greeting.withinHours * HOUR);
  // An add whose greeting time passed over a week ago (a back-dated or replayed add, such as the
  // sandbox demo's year of adds) would only be a task nobody can do on time: none is made. A late
  // event (the processor was down a day or two) still gets its greeting.
  if (!rules.greeting.enabled || dueAt.getTime() < props.now.getTime() - SILENT_CATCH_UP_DAYS * 24 * HOUR) {
    return false;
  }
  const [customer, identity] = await Promise.all([
    Customer.findOne({ externalUserId: props.externalUserId }, { name: 1 }).lean(),
    MemberIdentity.findById(`customer:${props.externalUserId}`, { memberId: 1 }).lean(),
  ]);
  const member = identity ? await Member.findById(identity.memberId, { name: 1, levelCode: 1, growth: 1 }).lean() : null;
  const occasion: Occasion = { kind: "greeting", id: `greeting:${props.externalUserId}:${props.userId}`, dueAt, title: `新客户，${rules.greeting.withinHours} 小时内问候`, subject: {} };
  const { inserted } = await taskInserter(
    [{ occasion, userId: props.userId, externalUserId: props.externalUserId, memberId: member ? String(member._id) : null, customerName: customer?.name || member?.name || "", levelCode: member?.levelCode ?? null, growth: member?.growth ?? 0 }],
    { rules, program, now: props.now },
  );
  return inserted === 1;
}

/**
 * A member reached a higher level: a congratulation task for the member's guide, due N hours after,
 * once per member, level and day. Called after every upgrade check; a process that died between
 * the level change and the task makes it on the member's next order or in the daily job's scan
 * (while still within the hours).
 *
 * @param props the member and the clock.
 * @returns true when a task was made now.
 */
export async function levelUpTask(props: { memberId: string; now: Date }): Promise<boolean> {
  const member = await Member.findById(props.memberId, { name: 1, levelCode: 1, growth: 1, externalUserIds: 1, guideUserIds: 1, homeStoreId: 1, levelChanges: { $slice: -1 } }).lean();
  const change = member?.levelChanges?.[0];
  // Most orders lift nobody: decided from the member alone before the rules are read.
  if (!member || change?.reason !== "upgrade" || (member.guideUserIds ?? []).length === 0) {
    return false;
  }
  const [{ rules }, { program }] = await Promise.all([currentTaskRules(), currentProgram()]);
  const occasion = levelUpOccasion(member, rules, program, props.now);
  const guide = occasion ? await chooseGuide(member, "last_contact", new Map()) : null;
  if (!occasion || !guide?.userId) {
    return false;
  }
  const customer = await Customer.findOne({ externalUserId: guide.recipient }, { name: 1 }).lean();
  const { inserted } = await taskInserter(
    [{ occasion, userId: guide.userId, externalUserId: guide.recipient, memberId: props.memberId, customerName: customer?.name || member.name || "", levelCode: member.levelCode, growth: member.growth ?? 0 }],
    { rules, program, now: props.now },
  );
  return inserted === 1;
}
