import type { RouteRecordRaw } from "vue-router";

/** 群活码, as a child of the console layout. */
export const funnelRoutes: RouteRecordRaw[] = [{ path: "funnels", name: "funnels", component: () => import("./FunnelsPage.vue"), meta: { title: "群活码" } }];
