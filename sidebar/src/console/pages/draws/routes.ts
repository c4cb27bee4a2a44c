import type { RouteRecordRaw } from "vue-router";

/** 抽奖活动, as children of the console layout. */
export const drawRoutes: RouteRecordRaw[] = [
  { path: "draws", name: "draws", component: () => import("./DrawsPage.vue"), meta: { title: "抽奖活动" } },
  { path: "draws/:id", name: "drawDetail", component: () => import("./DrawDetail.vue"), meta: { title: "抽奖活动详情" } },
];
