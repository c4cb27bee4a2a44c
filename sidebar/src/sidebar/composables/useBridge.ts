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
