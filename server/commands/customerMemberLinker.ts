import { AppError } from "../errors.ts";
import memberLinkRefresher, { memberIdOfCustomer } from "./memberLinkRefresher.ts";
import memberMatcher from "./memberMatcher.ts";
import memberRecruitCounter from "./memberRecruitCounter.ts";
import { currentProgram } from "./programStore.ts";

/**
 * Keep a WeCom customer and its member together: a customer whose unionid a member already has
 * becomes that member's WeCom contact, and the member's tags, guides and groups follow the
 * customer's follows as they are now. Safe to run again: matching and refreshing converge.
 *
 * @param props the customer, its unionid when WeCom gave one, and the clock.
 */
export default async function customerMemberLinker(props: { externalUserId: string; unionid: string | null; now: Date }): Promise<void> {
  if (props.unionid) {
    const { program } = await currentProgram();
    await memberMatcher({ claims: { unionid: props.unionid, externalUserId: props.externalUserId }, sourceChannel: "wecom", via: "wecom", create: false, program, now: props.now }).catch(
      (error: unknown) => {
        // Two members for one person: left for a person to merge; the customer stays as it is.
        if (!(error instanceof AppError && error.status === 409)) {
          throw error;
        }
      },
    );
  }
  const memberId = await memberIdOfCustomer(props.externalUserId);
  if (memberId) {
    await memberLinkRefresher(memberId);
    await memberRecruitCounter({ memberId, now: props.now });
  }
}
