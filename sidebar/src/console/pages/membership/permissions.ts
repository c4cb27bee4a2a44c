// What the signed-in role may change here, mirroring server/security/authorization.ts: managers
// read members and benefits but do not spend points, claim or redeem. The server decides in the
// end; this only hides buttons that would be refused.
import { computed } from "vue";
import { session } from "../../session";

/** Whether the user may spend points and claim or redeem benefits. */
export const canChangeMembers = computed(() => session.user?.role !== "manager");
