// Importing this registers every model, so index creation at boot covers all collections.
export { Customer } from "./Customer.ts";
export { Department } from "./Department.ts";
export { Employee } from "./Employee.ts";
export { Event } from "./Event.ts";
export { EventLane } from "./EventLane.ts";
export { Follow } from "./Follow.ts";
export { Group } from "./Group.ts";
export { TagGroup } from "./TagGroup.ts";
