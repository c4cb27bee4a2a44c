// The last action's outcome, shown next to where it was taken (one at a time on the page).
import { ApiError } from "@shared/api";
import { shallowRef } from "vue";

export type Panel = "header" | "phone" | "guide";

export interface Feedback {
  panel: Panel;
  kind: "result" | "error";
  text: string;
}

/** Show a result or an error next to a panel. */
export type Say = (panel: Panel, kind: Feedback["kind"], text: string) => void;

/** @returns the shown feedback, how to show one and how to clear it. */
export function createFeedback() {
  const feedback = shallowRef<Feedback | null>(null);
  const say: Say = (panel, kind, text) => {
    feedback.value = { panel, kind, text };
  };
  const clear = () => {
    feedback.value = null;
  };
  return { feedback, say, clear };
}

/** The server's message without the field it names ("chatId: 群已满（200 人）" → "群已满（200 人）"). */
export function messageOf(caught: unknown): string {
  const text = caught instanceof ApiError || caught instanceof Error ? caught.message : String(caught);
  return text.replace(/^[A-Za-z][\w.[\]]*: (?=\S)/, "");
}
