// The sandbox page's one store: the stand-in's state, who is on each side of the fake chat (the
// customer on the phone, the guide at the WeCom window), their transcript (polled), the demo run
// and the last action's outcome. Both panels read and act through it, so they always show the
// same conversation.
import { reactive } from "vue";
import { createActions, type Busy } from "./store/actions";
import { createDemo } from "./store/demo";
import { createFeedback } from "./store/feedback";
import { createSelection } from "./store/selection";
import { createTranscript } from "./store/transcript";

export type { Feedback, Panel } from "./store/feedback";

function createSandbox() {
  const { feedback, say, clear } = createFeedback();
  const busy = reactive<Busy>({ scan: false, join: false, buy: false, customerSend: false, guideSend: false, demo: false, seed: false });
  const selection = createSelection(say);
  const transcript = createTranscript(selection.customerId, selection.guideId);
  const actions = createActions({ selection, busy, say, clear, fetchTranscript: transcript.fetchTranscript });
  const { demo, startDemo, resumeDemo, seed, stop } = createDemo({ busy, say, clear, loadState: selection.loadState });

  async function start(): Promise<void> {
    await selection.loadState();
    void resumeDemo();
    void transcript.fetchTranscript();
    transcript.startPolling();
  }

  function stopPolling(): void {
    transcript.stopPolling();
    stop();
  }

  const { messages, transcriptLoaded, transcriptError, fetchTranscript } = transcript;
  return { ...selection, messages, transcriptLoaded, transcriptError, fetchTranscript, feedback, say, busy, demo, start, stopPolling, startDemo, seed, ...actions };
}

export type Sandbox = ReturnType<typeof createSandbox>;

let instance: Sandbox | null = null;

/** The page's store (one per page). */
export function useSandbox(): Sandbox {
  instance ??= createSandbox();
  return instance;
}
