// Importing this registers every model, so index creation at boot covers all collections.
export { Counter } from "./Counter.ts";
export { Customer } from "./Customer.ts";
export { Department } from "./Department.ts";
export { Employee } from "./Employee.ts";
export { Event } from "./Event.ts";
export { EventLane } from "./EventLane.ts";
export { Follow } from "./Follow.ts";
export { Group } from "./Group.ts";
export { LedgerEntry } from "./LedgerEntry.ts";
export { Member } from "./Member.ts";
export { MemberIdentity } from "./MemberIdentity.ts";
export { MemberMerge } from "./MemberMerge.ts";
export { Order } from "./Order.ts";
export { ProgramSettings } from "./ProgramSettings.ts";
export { TagApplication } from "./TagApplication.ts";
export { TagGroup } from "./TagGroup.ts";
export { TagRule } from "./TagRule.ts";
