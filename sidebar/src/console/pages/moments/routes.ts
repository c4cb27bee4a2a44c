import type { RouteRecordRaw } from "vue-router";

/** 朋友圈, as children of the console layout. */
export const momentRoutes: RouteRecordRaw[] = [
  { path: "moments", name: "moments", component: () => import("./MomentsPage.vue"), meta: { title: "朋友圈" } },
  { path: "moments/:id", name: "momentDetail", component: () => import("./MomentDetail.vue"), meta: { title: "朋友圈详情" } },
];
