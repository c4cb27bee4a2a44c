import type { RouteRecordRaw } from "vue-router";

/** 任务 (the guides' task rules), as children of the console layout. */
export const taskRoutes: RouteRecordRaw[] = [{ path: "tasks", name: "tasks", component: () => import("./TaskRulesPage.vue"), meta: { title: "任务规则" } }];
