import { createRouter, createWebHistory } from "vue-router";

// One page: what it shows follows the WeCom context, not the path, so the URL (which the JS-SDK
// signs) stays the one the admin registered in the chat toolbar. Unknown paths fall back to it,
// keeping the query the stand-in reads its context from.
/** The sidebar's router, served under /sidebar/ (the server falls back to index.html). */
export const router = createRouter({
  history: createWebHistory("/sidebar/"),
  routes: [
    { path: "/", name: "chat", component: () => import("./views/ChatView.vue") },
    { path: "/:rest(.*)*", redirect: (to) => ({ path: "/", query: to.query }) },
  ],
});
