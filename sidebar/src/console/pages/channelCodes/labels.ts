// How a channel code's settings read. labels.ts on the server has no entry for them yet and is
// not this page's to change, so the words live here beside the only pages that show them.
import type { PresentedChannelCode } from "@server/presenters/channelCode";

export const CODE_TYPE_LABELS: Record<PresentedChannelCode["type"], string> = { single: "单人", multi: "多人轮流", store: "门店" };

export const SKIP_VERIFY_LABELS: Record<PresentedChannelCode["skipVerify"]["mode"], string> = { always: "始终免验证", never: "需要验证", window: "按时段免验证" };

export const WEEKDAYS = [
  { day: 1, label: "一" },
  { day: 2, label: "二" },
  { day: 3, label: "三" },
  { day: 4, label: "四" },
  { day: 5, label: "五" },
  { day: 6, label: "六" },
  { day: 7, label: "日" },
] as const;

/** The side panel's two views of one code. */
export type DrawerTab = "answering" | "stats";
