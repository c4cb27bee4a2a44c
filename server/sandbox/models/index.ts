// The stand-in's own state: WeCom's side of the world (docs/sandbox.md). Importing this registers every model.
export { SandboxAppMessage } from "./SandboxAppMessage.ts";
export { SandboxContactWay } from "./SandboxContactWay.ts";
export { SandboxCustomer } from "./SandboxCustomer.ts";
export { SandboxDepartment } from "./SandboxDepartment.ts";
export { SandboxFollow, sandboxFollowId } from "./SandboxFollow.ts";
export {
  addSandboxGroupMember,
  newMemberVersion,
  removeSandboxGroupMember,
  SandboxGroup,
  SANDBOX_GROUP_CAPACITY,
  type GroupJoinOutcome,
  type SandboxGroupMemberInput,
} from "./SandboxGroup.ts";
export { SandboxJoinWay, SANDBOX_JOIN_WAY_QR_TTL_MS, sandboxJoinWayQrExpired } from "./SandboxJoinWay.ts";
export { SandboxMassMessage } from "./SandboxMassMessage.ts";
export { SandboxMedia, SANDBOX_MEDIA_TTL_MS } from "./SandboxMedia.ts";
export { SandboxMessage, SANDBOX_MESSAGE_KINDS, type SandboxMessageKind } from "./SandboxMessage.ts";
export { SandboxMoment } from "./SandboxMoment.ts";
export { SandboxOAuthCode, SANDBOX_OAUTH_CODE_TTL_MS } from "./SandboxOAuthCode.ts";
export { SandboxTagGroup } from "./SandboxTagGroup.ts";
export { SandboxResignation } from "./SandboxResignation.ts";
export { SandboxTransfer } from "./SandboxTransfer.ts";
export { SandboxUser } from "./SandboxUser.ts";
export * from "./ids.ts";
