// What the sandbox page shows (GET /sandbox/api/state): the corp, its people, channel codes,
// groups and the newest customers, all read from WeCom's side.
import { SANDBOX_AGENT_ID, SANDBOX_CORP_ID, SANDBOX_CORP_NAME } from "./config.ts";
import { isSeeded } from "./actions/seed.ts";
import { BRAND } from "./demoData.ts";
import { SandboxContactWay, SandboxCustomer, SandboxDepartment, SandboxFollow, SandboxGroup, SandboxUser } from "./models/index.ts";
import { qrUrl } from "./wecomApi/qr.ts";

/** Where the page links to, and the stand-in's current address (its QR images). */
export interface PageLinks {
  consoleUrl: string;
  sidebarUrl: string;
  wecomApiBase: string | undefined;
}

/**
 * @param links the page's links and the stand-in's address.
 * @returns the page's state.
 */
export async function sandboxState(links: PageLinks) {
  const [departments, users, ways, groups, recent, seeded] = await Promise.all([
    SandboxDepartment.find().sort({ order: -1, _id: 1 }).lean(),
    SandboxUser.find().sort({ _id: 1 }).lean(),
    SandboxContactWay.find().sort({ created_at: 1, _id: 1 }).lean(),
    SandboxGroup.find({ dismissed: { $ne: true } }).sort({ create_time: 1, _id: 1 }).lean(),
    SandboxCustomer.find({}, { name: 1, created_at: 1 }).sort({ created_at: -1, _id: 1 }).limit(20).lean(),
    isSeeded(),
  ]);
  const follows = await SandboxFollow.find({ external_userid: { $in: recent.map((customer) => customer._id) } }, { external_userid: 1, userid: 1 }).lean();
  const nameOf = new Map(departments.map((department) => [department.id, department.name]));
  const stores = departments.filter((department) => department.parentid === BRAND.id);
  return {
    seeded,
    corp: { corpId: SANDBOX_CORP_ID, agentId: String(SANDBOX_AGENT_ID), name: nameOf.get(BRAND.id) ?? SANDBOX_CORP_NAME },
    stores: stores.map((store) => ({ id: String(store.id), name: store.name })),
    guides: users.map((user) => ({
      userid: user.userid,
      name: user.name,
      position: user.position,
      status: user.status,
      storeId: String(user.main_department),
      storeName: nameOf.get(user.main_department) ?? "",
    })),
    contactWays: ways.map((way) => ({
      config_id: way.config_id,
      state: way.state,
      remark: way.remark,
      user: way.user,
      // The stand-in's current address, as get_contact_way answers it.
      qr_code: links.wecomApiBase && way.scene === 2 ? qrUrl(links.wecomApiBase, "contact_way", way.config_id) : way.qr_code,
    })),
    groups: groups.map((group) => ({ chat_id: group.chat_id, name: group.name, owner: group.owner, memberCount: group.member_list.length })),
    recentCustomers: recent.map((customer) => ({
      external_userid: customer._id,
      name: customer.name,
      guides: follows.filter((follow) => follow.external_userid === customer._id).map((follow) => follow.userid),
    })),
    consoleUrl: links.consoleUrl,
    sidebarUrl: links.sidebarUrl,
  };
}
