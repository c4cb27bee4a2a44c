// The demo run and the corp's seeding from the page's header. A run started elsewhere (another
// tab, npm run demo) is followed here too.
import { ApiError } from "@shared/api";
import { shallowRef } from "vue";
import { sandboxApi, type DemoProgress } from "../api";
import type { Busy } from "./actions";
import { messageOf, type Say } from "./feedback";

const DEMO_POLL_MS = 1000;

interface Deps {
  busy: Busy;
  say: Say;
  clear: () => void;
  loadState: (options?: { silent?: boolean }) => Promise<void>;
}

/**
 * @param deps the busy flags, feedback, and how to reload the page's state.
 * @returns the demo's progress and the header's actions.
 */
export function createDemo({ busy, say, clear, loadState }: Deps) {
  const demo = shallowRef<DemoProgress | null>(null);
  let timer: ReturnType<typeof setTimeout> | null = null;
  let ticks = 0;

  function follow(): void {
    ticks = 0;
    timer ??= setTimeout(() => void poll(), DEMO_POLL_MS);
  }

  async function poll(): Promise<void> {
    timer = null;
    try {
      demo.value = await sandboxApi.demo();
    } catch (caught) {
      demo.value = { ...(demo.value ?? { running: false }), running: false, error: messageOf(caught) };
    }
    ticks += 1;
    const current = demo.value;
    if (current?.running) {
      // New customers and groups show up on the page while the run goes on.
      if (ticks % 3 === 0) {
        void loadState({ silent: true });
      }
      timer = setTimeout(() => void poll(), DEMO_POLL_MS);
      return;
    }
    busy.demo = false;
    if (current?.error) {
      say("header", "error", `生成演示数据失败：${current.error}`);
    } else {
      say("header", "result", "演示数据已生成");
    }
    await loadState({ silent: true });
  }

  async function startDemo(): Promise<void> {
    busy.demo = true;
    clear();
    try {
      demo.value = { done: 0, total: 0, step: "", error: null, ...(await sandboxApi.startDemo()), running: true };
    } catch (caught) {
      busy.demo = false;
      if (caught instanceof ApiError && caught.status === 409) {
        // Already running (another tab, npm run demo): follow that run.
        await resumeDemo();
        return;
      }
      say("header", "error", `生成演示数据失败：${messageOf(caught)}`);
      return;
    }
    follow();
  }

  /** On load: a run going on shows its progress here. */
  async function resumeDemo(): Promise<void> {
    try {
      const current = await sandboxApi.demo();
      if (current.running) {
        demo.value = current;
        busy.demo = true;
        follow();
      }
    } catch {
      // the button still works; its own errors are shown
    }
  }

  /** Create the sandbox corp without the demo's customers and orders. */
  async function seed(): Promise<void> {
    busy.seed = true;
    clear();
    try {
      await sandboxApi.seed();
      await loadState({ silent: true });
      say("header", "result", "沙箱企业已初始化：门店、导购、渠道活码和客户群已就绪");
    } catch (caught) {
      say("header", "error", `初始化失败：${messageOf(caught)}`);
    } finally {
      busy.seed = false;
    }
  }

  function stop(): void {
    if (timer !== null) {
      clearTimeout(timer);
      timer = null;
    }
  }

  return { demo, startDemo, resumeDemo, seed, stop };
}
