import type { RouteRecordRaw } from "vue-router";

/** 群机器人, as a child of the console layout. */
export const botRoutes: RouteRecordRaw[] = [{ path: "bot", name: "bot", component: () => import("./BotPage.vue"), meta: { title: "群机器人" } }];
