import type { RouteRecordRaw } from "vue-router";

const page = () => import("./CompletionPage.vue");

/** 完成率, as children of the console layout: the company, a region, a store, a guide (the period and kind ride in the query). */
export const completionRoutes: RouteRecordRaw[] = [
  { path: "completion", name: "completion", component: page, meta: { title: "完成率" } },
  { path: "completion/regions/:regionId", name: "completionRegion", component: page, meta: { title: "区域完成率" } },
  { path: "completion/stores/:storeId", name: "completionStore", component: page, meta: { title: "门店完成率" } },
  { path: "completion/guides/:userId", name: "completionGuide", component: page, meta: { title: "导购完成率" } },
];
