// What the role dialog says each role can do, built from the menu (layout/nav.ts, which follows
// server/security/authorization.ts AREA_RULES) so the promise cannot drift from what opens:
// the dialog once promised managers a 首页 they could not open.
import type { Role } from "../../session";
import { areasFor } from "../../layout/nav";
import { PLANNED_FEATURES } from "../placeholder/features";

const planned = new Set(PLANNED_FEATURES.map((feature) => feature.name));

/**
 * @param role a console role.
 * @returns the pages the role can open (planned placeholders left out), in menu order.
 */
export function pagesFor(role: Role): string[] {
  return areasFor(role)
    .filter((area) => !planned.has(area.name))
    .map((area) => area.title);
}

/**
 * @param role a console role.
 * @returns one sentence for the role dialog.
 */
export function roleHint(role: Role): string {
  const pages = pagesFor(role).join("、");
  switch (role) {
    case "admin":
      return `可打开管理后台全部页面（${pages}），并可分配角色。`;
    case "operator":
      return `可打开${pages}，配置会员体系、标签、人群和话术等运营功能。`;
    case "manager":
      return `可打开${pages}，只看所管理门店的数据；可催办门店导购、为离职导购分配客户，其余不能修改。需至少选择一个门店。`;
    default:
      return "只使用企业微信聊天侧边栏，不进入管理后台。";
  }
}
