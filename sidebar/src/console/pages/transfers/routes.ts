import type { RouteRecordRaw } from "vue-router";

/** 离职继承 (with 在职转接 and the outcomes), as children of the console layout. */
export const transferRoutes: RouteRecordRaw[] = [{ path: "transfers", name: "transfers", component: () => import("./TransfersPage.vue"), meta: { title: "离职继承" } }];
