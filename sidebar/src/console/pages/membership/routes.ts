import type { RouteRecordRaw } from "vue-router";

/**
 * The membership pages, as children of the console layout (paths without a leading slash).
 * Each page is its own chunk.
 */
export const membershipRoutes: RouteRecordRaw[] = [
  { path: "home", name: "home", component: () => import("./HomePage.vue"), meta: { title: "首页" } },
  { path: "members", name: "members", component: () => import("./MembersPage.vue"), meta: { title: "会员" } },
  { path: "members/:memberNo", name: "member-detail", component: () => import("./MemberDetailPage.vue"), meta: { title: "会员详情" } },
  { path: "program", name: "program", component: () => import("./ProgramPage.vue"), meta: { title: "会员体系" } },
  { path: "tags", name: "tags", component: () => import("./TagsPage.vue"), meta: { title: "标签" } },
  { path: "segments", name: "segments", component: () => import("./SegmentsPage.vue"), meta: { title: "人群" } },
];
