// One demo at a time, for the sandbox page's HTTP routes.
import { getLogger } from "../../logging/logger.ts";
import { runDemo, type DemoOptions, type DemoStep, type DemoSummary } from "./run.ts";

/** What `GET /sandbox/api/demo` answers. */
export interface DemoStatus {
  running: boolean;
  step: DemoStep | null;
  done: number;
  total: number;
  message: string;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  summary: DemoSummary | null;
}

/** Runs the demo in the background, one run at a time, and remembers how the last one went. */
export class DemoRunner {
  private state: DemoStatus = { running: false, step: null, done: 0, total: 0, message: "", error: null, startedAt: null, finishedAt: null, summary: null };
  private run: Promise<void> | null = null;

  /** @returns the current or last run's status. */
  status(): DemoStatus {
    return { ...this.state };
  }

  /**
   * Start a run unless one is going.
   *
   * @param options as for runDemo (without onProgress).
   * @returns false when a run was already going.
   */
  start(options: Omit<DemoOptions, "onProgress">): boolean {
    if (this.state.running) {
      return false;
    }
    const now = options.now ?? (() => new Date());
    this.state = { running: true, step: "seed", done: 0, total: 0, message: "", error: null, startedAt: now().toISOString(), finishedAt: null, summary: null };
    this.run = runDemo({
      ...options,
      onProgress: (progress) => {
        this.state = { ...this.state, step: progress.step, done: progress.done, total: progress.total, message: progress.message };
      },
    })
      .then((summary) => {
        this.state = { ...this.state, running: false, summary, finishedAt: now().toISOString() };
      })
      .catch((error: unknown) => {
        getLogger("lifecycle", { component: "sandbox-demo" }).error({ err: error }, "sandbox demo failed");
        this.state = { ...this.state, running: false, error: error instanceof Error ? error.message : String(error), finishedAt: now().toISOString() };
      });
    return true;
  }

  /** @returns when the current run (if any) has ended; for tests and shutdown. */
  async settled(): Promise<void> {
    await this.run;
  }
}
