// Routes of the console (hash history under /console/, because the server bounces a failed
// WeCom login to /console/#/login?error=...) and the guard that applies the session and roles.
import { createRouter, createWebHashHistory, type RouteRecordRaw } from "vue-router";
import ConsoleLayout from "./layout/ConsoleLayout.vue";
import { canOpen, landingPath } from "./layout/nav";
import { botRoutes } from "./pages/bot/routes";
import { channelCodeRoutes } from "./pages/channelCodes/routes";
import { completionRoutes } from "./pages/completion/routes";
import { customerRoutes } from "./pages/customers/routes";
import { drawRoutes } from "./pages/draws/routes";
import { funnelRoutes } from "./pages/funnels/routes";
import LoginPage from "./pages/login/LoginPage.vue";
import { membershipRoutes } from "./pages/membership/routes";
import { massMessageRoutes } from "./pages/massMessages/routes";
import { momentRoutes } from "./pages/moments/routes";
import { PLANNED_FEATURES } from "./pages/placeholder/features";
import { transferRoutes } from "./pages/transfers/routes";
import { taskRoutes } from "./pages/tasks/routes";
import { loadSession, onSessionExpired, session } from "./session";

const routes: RouteRecordRaw[] = [
  { path: "/login", name: "login", component: LoginPage },
  { path: "/guide", name: "guideNotice", component: () => import("./pages/placeholder/GuideNotice.vue") },
  {
    path: "/",
    component: ConsoleLayout,
    children: [
      // Where "/" goes depends on the role; the guard resolves it once the session is known.
      { path: "", name: "root", redirect: () => (session.user ? landingPath(session.user.role) : { name: "login" }) },
      ...membershipRoutes,
      ...customerRoutes,
      ...channelCodeRoutes,
      ...funnelRoutes,
      ...botRoutes,
      ...drawRoutes,
      ...momentRoutes,
      ...massMessageRoutes,
      ...transferRoutes,
      ...taskRoutes,
      ...completionRoutes,
      // 现金奖励发放 (docs/wechatpay.md): in the draws area; the draw pages link here and embed it per draw.
      { path: "draws/cash-transfers", name: "cashTransfers", component: () => import("./pages/draws/CashTransfers.vue"), meta: { title: "现金奖励发放" } },
      { path: "org", name: "org", component: () => import("./pages/org/OrgPage.vue") },
      { path: "quick-replies", name: "quickReplies", component: () => import("./pages/quickReplies/QuickRepliesPage.vue") },
      ...PLANNED_FEATURES.map(
        (feature): RouteRecordRaw => ({
          path: feature.path,
          name: feature.name,
          component: () => import("./pages/placeholder/PlaceholderPage.vue"),
          meta: { feature },
        }),
      ),
      { path: ":pathMatch(.*)*", name: "notFound", component: () => import("./pages/placeholder/NotFoundPage.vue") },
    ],
  },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

/** A redirect target taken from the URL: only paths inside the console, never back to login. */
function safeRedirect(value: unknown): string | null {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/login") ? value : null;
}

router.beforeEach(async (to) => {
  if (!session.checked) {
    try {
      await loadSession();
    } catch {
      // App.vue shows the failure with a retry instead of the page.
      return true;
    }
  }
  const user = session.user;
  if (to.name === "login") {
    return user ? (safeRedirect(to.query.redirect) ?? landingPath(user.role)) : true;
  }
  if (!user) {
    return { name: "login", query: to.fullPath === "/" ? {} : { redirect: to.fullPath } };
  }
  if (user.role === "guide") {
    return to.name === "guideNotice" ? true : { name: "guideNotice" };
  }
  if (to.name === "guideNotice" || !canOpen(user.role, to.path)) {
    return landingPath(user.role);
  }
  return true;
});

onSessionExpired(() => {
  const current = router.currentRoute.value;
  void router.replace({ name: "login", query: { redirect: current.fullPath, error: "登录已过期，请重新登录" } });
});
