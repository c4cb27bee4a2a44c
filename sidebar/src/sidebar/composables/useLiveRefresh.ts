import { onBeforeUnmount, onMounted, watch, type Ref } from "vue";

/** The chat a view shows, as `GET /api/sidebar/changes` names it. */
export type LiveTarget = { customer: string } | { chat: string };

/**
 * Keep a view in step with the server while its chat is open: the change stream says when the
 * customer, their member or the group changed (an order, a join, another guide's tag), and a guide
 * coming back to the window (focus, the tab shown again, the same chat selected again in WeCom)
 * may have missed a change the stream could not deliver (a laptop asleep, a dropped connection).
 * The stream lives as long as the view: ChatView remounts the view per chat, so a new chat closes
 * the old stream.
 *
 * @param target the open customer or group.
 * @param refresh reloads the view in place; several signals while it runs make one more reload.
 * @param shown the view's data: the stream opens once it first arrives, so a refused or unknown
 *   chat opens none (its 403 would only repeat the view's).
 */
export function useLiveRefresh(target: LiveTarget, refresh: () => Promise<unknown>, shown: Ref<unknown>): void {
  let source: EventSource | null = null;
  let running: Promise<void> | null = null;
  let again = false;

  function pull(): void {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        await refresh().catch(() => undefined);
      } while (again);
      running = null;
    })();
  }

  function onVisible(): void {
    if (document.visibilityState === "visible") {
      pull();
    }
  }

  function open(): void {
    const query = new URLSearchParams("customer" in target ? { customer: target.customer } : { chat: target.chat });
    source = new EventSource(`/api/sidebar/changes?${query.toString()}`);
    let opened = false;
    // `ready` comes first on every connection; after a reconnect, what changed meanwhile was not
    // announced, so read again.
    source.addEventListener("ready", () => {
      if (opened) {
        pull();
      }
      opened = true;
    });
    source.addEventListener("changed", pull);
  }

  onMounted(() => {
    window.addEventListener("focus", pull);
    document.addEventListener("visibilitychange", onVisible);
  });
  const stopWatching = watch(
    () => shown.value !== null,
    (present) => {
      if (present && !source) {
        open();
        stopWatching();
      }
    },
  );

  onBeforeUnmount(() => {
    source?.close();
    source = null;
    window.removeEventListener("focus", pull);
    document.removeEventListener("visibilitychange", onVisible);
  });
}
