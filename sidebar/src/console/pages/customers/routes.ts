import type { RouteRecordRaw } from "vue-router";

/** 客户, 客户群 and 流失记录, as children of the console layout; each page is its own chunk. */
export const customerRoutes: RouteRecordRaw[] = [
  { path: "customers", name: "customers", component: () => import("./CustomersPage.vue"), meta: { title: "客户" } },
  { path: "customers/:externalUserId", name: "customer-detail", component: () => import("./CustomerDetailPage.vue"), meta: { title: "客户详情" } },
  { path: "groups", name: "groups", component: () => import("./GroupsPage.vue"), meta: { title: "客户群" } },
  { path: "groups/:chatId", name: "group-detail", component: () => import("./GroupDetailPage.vue"), meta: { title: "客户群详情" } },
  { path: "losses", name: "losses", component: () => import("./LossesPage.vue"), meta: { title: "流失记录" } },
];
