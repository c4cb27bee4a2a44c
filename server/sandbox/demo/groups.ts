// The demo's group joins: the customers whose seeded coin says so join one of their store's
// customer groups some weeks after they were added.
import { AppError } from "../../errors.ts";
import { pick, seededRandom } from "../../utils/random.ts";
import { DAY_MS, type SandboxContext } from "../actions/context.ts";
import { joinGroup } from "../actions/joinGroup.ts";
import { GROUPS } from "../demoData.ts";
import { SandboxGroup } from "../models/index.ts";
import type { CustomerPlan } from "./customers.ts";

interface PlannedJoin {
  externalUserId: string;
  at: Date;
  via: "qr" | "invite";
}

/**
 * Join the customers to their groups. Joins to one group go one after another (each moves its
 * member_version on, and the product applies each delta on top of the previous one); groups go
 * in parallel.
 *
 * @param context callback URL and clock.
 * @param customers every customer, oldest first.
 * @param share the share of customers who join a group.
 * @param on told the planned count, then after each join.
 * @returns how many joined.
 */
export async function joinGroups(
  context: SandboxContext,
  customers: CustomerPlan[],
  share: number,
  on: { planned: (count: number) => void; joined: () => void },
): Promise<number> {
  const chains = await planJoins(context.now(), customers, share);
  on.planned([...chains.values()].reduce((sum, joins) => sum + joins.length, 0));
  let joined = 0;
  await Promise.all(
    [...chains].map(async ([chatId, joins]) => {
      for (const join of joins.sort((a, b) => a.at.getTime() - b.at.getTime())) {
        try {
          await joinGroup(context, { chatId, externalUserId: join.externalUserId, via: join.via, at: join.at });
          joined += 1;
        } catch (error) {
          // Full (200) or already in: WeCom refuses, the customer stays out.
          if (!(error instanceof AppError && (error.status === 409 || error.status === 422))) {
            throw error;
          }
        }
        on.joined();
      }
    }),
  );
  return joined;
}

/** The joins by group, skipping customers already in theirs. */
async function planJoins(now: Date, customers: CustomerPlan[], share: number): Promise<Map<string, PlannedJoin[]>> {
  const groups = await SandboxGroup.find({ dismissed: { $ne: true } }, { name: 1, member_list: 1 }).lean();
  const chatIdOf = new Map(groups.map((group) => [group.name, group._id]));
  const members = new Set(groups.flatMap((group) => group.member_list.map((member) => `${group._id}|${member.userid}`)));
  const chains = new Map<string, PlannedJoin[]>();
  for (const customer of customers) {
    const random = seededRandom(`group:${customer.externalUserId}`);
    if (random() >= share) {
      continue;
    }
    const storeGroups = GROUPS.filter((group) => group.storeId === customer.storeId);
    const chatId = chatIdOf.get(pick(random, storeGroups.length > 0 ? storeGroups : GROUPS).name);
    const at = new Date(Math.min(now.getTime() - 60_000, customer.at.getTime() + random() * 30 * DAY_MS));
    const via = random() < 0.7 ? "qr" : "invite";
    if (!chatId || members.has(`${chatId}|${customer.externalUserId}`)) {
      continue;
    }
    chains.set(chatId, [...(chains.get(chatId) ?? []), { externalUserId: customer.externalUserId, at, via }]);
  }
  return chains;
}
