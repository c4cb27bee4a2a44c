import type { PresentedMe as Me } from "@server/presenters/session";
import type { WeComBridge } from "@shared/ww";
import { inject, type InjectionKey } from "vue";

/** App provides the bridge once start-up settles; views below it inject it. */
export const bridgeKey: InjectionKey<WeComBridge> = Symbol("wecom-bridge");

/**
 * The WeCom bridge of this page.
 *
 * @returns the bridge App provided.
 */
export function useBridge(): WeComBridge {
  const bridge = inject(bridgeKey);
  if (!bridge) {
    throw new Error("useBridge() outside the ready app");
  }
  return bridge;
}

/** App provides the logged-in guide next to the bridge. */
export const meKey: InjectionKey<Me> = Symbol("guide");

/**
 * The logged-in guide (for what a quick reply says about them).
 *
 * @returns the guide, or null outside the ready app.
 */
export function useMe(): Me | null {
  return inject(meKey, null);
}
