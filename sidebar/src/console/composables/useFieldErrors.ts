// A server refusal that names a field of the form is shown at that field (el-form-item's
// `error`), not only in a toast: "levels.2.threshold: …" lands under the third level's threshold.
import { ApiError } from "@shared/api";
import { reactive } from "vue";

export interface FieldErrors {
  /** Field path → the Chinese sentence shown there. */
  readonly messages: Readonly<Record<string, string>>;
  /**
   * The message for a form item that edits these paths (a path covers what is under it:
   * "growth" covers "growth.perTask").
   */
  at: (...paths: string[]) => string;
  /** The message for exactly this path (a list's own refusal, not one of its items'). */
  exactly: (path: string) => string;
  /** The user changed these fields: their messages go (the others stay until the next save). */
  dismiss: (...paths: string[]) => void;
  /**
   * Put a failure at its field when the form has one.
   *
   * @returns whether it was placed (otherwise the caller shows it elsewhere).
   */
  place: (caught: unknown, options?: { prefix?: string }) => boolean;
  clear: () => void;
}

const covers = (path: string, field: string) => field === path || field.startsWith(`${path}.`);

/**
 * @param fields the paths this form edits (as the server names them).
 * @returns the form's field errors.
 */
export function useFieldErrors(fields: readonly string[]): FieldErrors {
  const messages = reactive<Record<string, string>>({});
  function clear(): void {
    for (const key of Object.keys(messages)) {
      delete messages[key];
    }
  }
  function place(caught: unknown, options: { prefix?: string } = {}): boolean {
    clear();
    if (!(caught instanceof ApiError)) {
      return false;
    }
    // The same rule is sent alone (a preview: "levels.1") and inside a body ("rule.levels.1").
    const prefix = options.prefix ?? "";
    const placed = caught.all.filter((one) => one.field !== null && fields.some((path) => covers(path, `${prefix}${one.field}`)));
    for (const one of placed) {
      // The first refusal of a field is the one its form item shows.
      messages[`${prefix}${one.field}`] ??= one.message;
    }
    return placed.length > 0;
  }
  function at(...paths: string[]): string {
    const field = Object.keys(messages).find((key) => paths.some((path) => covers(path, key)));
    return field ? (messages[field] ?? "") : "";
  }
  const exactly = (path: string) => messages[path] ?? "";
  function dismiss(...paths: string[]): void {
    for (const key of Object.keys(messages).filter((field) => paths.some((path) => covers(path, field)))) {
      delete messages[key];
    }
  }
  return { messages, at, exactly, place, clear, dismiss };
}
