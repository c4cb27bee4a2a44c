import type { RouteRecordRaw } from "vue-router";

/** 渠道活码, as a child of the console layout. */
export const channelCodeRoutes: RouteRecordRaw[] = [{ path: "channel-codes", name: "channelCodes", component: () => import("./ChannelCodesPage.vue"), meta: { title: "渠道活码" } }];
