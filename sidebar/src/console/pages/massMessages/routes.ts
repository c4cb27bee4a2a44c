import type { RouteRecordRaw } from "vue-router";

/** 群发, as children of the console layout. */
export const massMessageRoutes: RouteRecordRaw[] = [
  { path: "mass-messages", name: "massMessages", component: () => import("./MassMessagesPage.vue"), meta: { title: "群发" } },
  { path: "mass-messages/:id", name: "massMessageDetail", component: () => import("./MassMessageDetail.vue"), meta: { title: "群发详情" } },
];
