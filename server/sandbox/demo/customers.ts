// The demo's customers: a year of WeChat users scanning the stores' channel codes, stored on
// WeCom's side in bulk and announced to the product one add_external_contact each, in concurrent
// bursts (the product's processing of them is most of the demo's time).
import { mapLimit } from "../../utils/async.ts";
import { pick, pickWeighted, seededRandom } from "../../utils/random.ts";
import { DAY_MS, type SandboxContext } from "../actions/context.ts";
import { announceContact, customerDoc, followDoc, type NewContact } from "../actions/scan.ts";
import { BRAND, CONTACT_WAYS, randomCustomerName } from "../demoData.ts";
import { newExternalUserId, newWelcomeCode, SandboxContactWay, SandboxCustomer, SandboxFollow, SandboxTagGroup, SandboxUser } from "../models/index.ts";

const YEAR_MS = 365 * DAY_MS;

/** A customer as the later steps see it: its first guide, that guide's store, and when it was added. */
export interface CustomerPlan {
  externalUserId: string;
  name: string;
  guide: string;
  storeId: number;
  at: Date;
}

/**
 * Add `count` customers through the channel codes over the past year: WeCom's side first (in
 * bulk), then one add_external_contact per customer, `concurrency` at a time, oldest first.
 *
 * @param context callback URL and clock.
 * @param count how many to add.
 * @param concurrency callbacks in flight at once.
 * @param onSent told after each delivered callback.
 * @returns how many were added.
 */
export async function addCustomers(context: SandboxContext, count: number, concurrency: number, onSent: () => void): Promise<number> {
  if (count === 0) {
    return 0;
  }
  const contacts = await planContacts(context.now(), count);
  await SandboxCustomer.insertMany(contacts.map((contact) => customerDoc(context.callbackUrl, contact)), { ordered: false });
  await SandboxFollow.insertMany(contacts.map(followDoc), { ordered: false });
  await mapLimit(contacts, concurrency, async (contact) => {
    await announceContact(context, contact);
    onSent();
  });
  return contacts.length;
}

/** Who scans which code when, and the tags the guide picks while accepting them; oldest first. */
async function planContacts(now: Date, count: number): Promise<NewContact[]> {
  const ways = await SandboxContactWay.find({ state: { $in: CONTACT_WAYS.map((way) => way.state) } }).lean();
  const tagGroups = new Map((await SandboxTagGroup.find().lean()).map((group) => [group.group_name, group.tag]));
  const tagsOf = (group: string) => (tagGroups.get(group) ?? []).map((tag) => tag.id);
  const sourceTags = new Map((tagGroups.get("客户来源") ?? []).map((tag) => [tag.name, tag.id]));
  const seeds = new Map(CONTACT_WAYS.map((way) => [way.state, way]));
  const weighted = ways.map((way) => [way, way.state.endsWith("-poster") ? 5 : way.state.endsWith("-counter") ? 3 : 2] as const);
  const random = seededRandom(`customers:${now.toISOString()}`);

  return Array.from({ length: count }, (): NewContact => {
    const externalUserId = newExternalUserId();
    const own = seededRandom(externalUserId);
    const way = pickWeighted(random, weighted);
    const userid = way.type === 1 ? (way.user[0] as string) : pick(own, way.user);
    // More adds in recent months: the brand's WeCom programme is growing.
    const at = new Date(now.getTime() - YEAR_MS * (1 - Math.sqrt(own())) - 60_000);
    const seed = seeds.get(way.state);
    const tags = [
      ...(seed && !seed.ruleTagged ? [sourceTags.get(seed.sourceTag)] : []),
      ...(own() < 0.7 ? [pick(own, tagsOf("肤质"))] : []),
      ...(own() < 0.6 ? [pick(own, tagsOf("兴趣"))] : []),
      ...(own() < 0.25 ? [pick(own, tagsOf("兴趣"))] : []),
      ...(own() < 0.3 ? [pick(own, tagsOf("消费偏好"))] : []),
    ].filter((tag): tag is string => Boolean(tag));
    return { externalUserId, name: randomCustomerName(own), userid, state: way.state, tags: [...new Set(tags)], at, welcomeCode: newWelcomeCode() };
  }).sort((a, b) => a.at.getTime() - b.at.getTime());
}

/**
 * @returns every customer with its first guide, store and add time, oldest first.
 */
export async function customerPlans(): Promise<CustomerPlan[]> {
  const [customers, follows, users] = await Promise.all([
    SandboxCustomer.find({}, { name: 1 }).lean(),
    SandboxFollow.find({}, { external_userid: 1, userid: 1, createtime: 1 }).lean(),
    SandboxUser.find({}, { main_department: 1 }).lean(),
  ]);
  const storeOf = new Map(users.map((user) => [user._id, user.main_department]));
  const firstFollow = new Map<string, { userid: string; createtime: number }>();
  for (const follow of follows) {
    const known = firstFollow.get(follow.external_userid);
    if (!known || follow.createtime < known.createtime) {
      firstFollow.set(follow.external_userid, follow);
    }
  }
  return customers
    .flatMap((customer) => {
      const follow = firstFollow.get(customer._id);
      if (!follow) {
        return [];
      }
      return [{ externalUserId: customer._id, name: customer.name, guide: follow.userid, storeId: storeOf.get(follow.userid) ?? BRAND.id, at: new Date(follow.createtime * 1000) }];
    })
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.externalUserId.localeCompare(b.externalUserId));
}
