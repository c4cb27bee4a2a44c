import { createRouter, createWebHistory } from "vue-router";

// The chat page: what it shows follows the WeCom context, not the path, so the URL (which the
// JS-SDK signs) stays the one the admin registered in the chat toolbar. Beside it the guide's task
// list, a path of its own (not a #hash) because the morning app message links to it and the OAuth
// login on the way keeps the path and query but not a hash. Unknown paths fall back to the chat
// page, keeping the query the stand-in reads its context from.
/** The sidebar's router, served under /sidebar/ (the server falls back to index.html). */
export const router = createRouter({
  history: createWebHistory("/sidebar/"),
  routes: [
    { path: "/", name: "chat", component: () => import("./views/ChatView.vue") },
    { path: "/tasks", name: "tasks", component: () => import("./views/TasksView.vue") },
    { path: "/:rest(.*)*", redirect: (to) => ({ path: "/", query: to.query }) },
  ],
});
