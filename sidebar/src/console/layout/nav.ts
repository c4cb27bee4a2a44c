// The console's areas: menu entries, who may open them, and where each role lands.
import type { Role } from "../session";

export interface NavArea {
  /** Route name of the area's entry page; the menu item has data-test `nav-<name>`. */
  name: string;
  /** Top-level path (also the first path segment of every page in the area). */
  path: string;
  title: string;
  roles: Role[];
}

export const NAV_AREAS: NavArea[] = [
  // Managers get their stores' figures (the server cuts /kpis to their stores).
  { name: "home", path: "/home", title: "首页", roles: ["admin", "operator", "manager"] },
  { name: "members", path: "/members", title: "会员", roles: ["admin", "operator", "manager"] },
  // Managers see their stores' customers, groups and losses (the server cuts the lists).
  { name: "customers", path: "/customers", title: "客户", roles: ["admin", "operator", "manager"] },
  { name: "groups", path: "/groups", title: "客户群", roles: ["admin", "operator", "manager"] },
  { name: "losses", path: "/losses", title: "流失记录", roles: ["admin", "operator", "manager"] },
  { name: "program", path: "/program", title: "会员体系", roles: ["admin", "operator"] },
  { name: "tags", path: "/tags", title: "标签", roles: ["admin", "operator"] },
  { name: "segments", path: "/segments", title: "人群", roles: ["admin", "operator"] },
  // Operators set up channel codes and funnels (design.md §1); managers read how their stores'
  // codes and the funnels do (channel_codes and funnels are R for them), without the edit buttons.
  { name: "channelCodes", path: "/channel-codes", title: "渠道活码", roles: ["admin", "operator", "manager"] },
  { name: "funnels", path: "/funnels", title: "群活码", roles: ["admin", "operator", "manager"] },
  // Operators run lucky draws; managers read their stores' winners (the server cuts the list to them).
  { name: "draws", path: "/draws", title: "抽奖", roles: ["admin", "operator", "manager"] },
  // The group bot: operators write its rules; managers see what it says in their groups (bot is R for them).
  { name: "bot", path: "/bot", title: "群机器人", roles: ["admin", "operator", "manager"] },
  // Operators plan moments; managers read them and follow their stores' completion.
  { name: "moments", path: "/moments", title: "朋友圈", roles: ["admin", "operator", "manager"] },
  { name: "massMessages", path: "/mass-messages", title: "群发", roles: ["admin", "operator", "manager"] },
  { name: "tasks", path: "/tasks", title: "任务", roles: ["admin", "operator", "manager"] },
  // Headquarters compares regions and stores; managers their own stores' guides (the server cuts every view).
  { name: "completion", path: "/completion", title: "完成率", roles: ["admin", "operator", "manager"] },
  // When a guide leaves, the store's manager hands their customers and groups to colleagues.
  { name: "transfers", path: "/transfers", title: "离职继承", roles: ["admin", "manager"] },
  { name: "quickReplies", path: "/quick-replies", title: "话术库", roles: ["admin", "operator"] },
  { name: "org", path: "/org", title: "组织与权限", roles: ["admin", "manager"] },
];

/** The area a path belongs to, by its first segment. */
export function areaOf(path: string): NavArea | undefined {
  const segment = path.split("/").find((part) => part !== "");
  return NAV_AREAS.find((area) => area.path === `/${segment ?? ""}`);
}

/** The areas a role may open, in menu order. */
export function areasFor(role: Role): NavArea[] {
  return NAV_AREAS.filter((area) => area.roles.includes(role));
}

/**
 * Whether a role may open a path. Paths outside every area (a page another module adds without
 * a menu entry) are for admins only until they get one.
 */
export function canOpen(role: Role, path: string): boolean {
  const area = areaOf(path);
  return area ? area.roles.includes(role) : role === "admin";
}

/** Where a role lands after signing in or on `/`. */
export function landingPath(role: Role): string {
  return areasFor(role)[0]?.path ?? "/guide";
}
