// The open conversation's transcript, polled: both panels show the same lines, and only the
// newest answer for the pair still on screen counts.
import { ref, watch, type Ref } from "vue";
import { sandboxApi, type SandboxMessage } from "../api";
import { messageOf } from "./feedback";

const TRANSCRIPT_POLL_MS = 2000;

/**
 * @param customerId the customer on the phone.
 * @param guideId the guide at the WeCom window.
 * @returns the transcript, how to fetch it now, and the polling switches.
 */
export function createTranscript(customerId: Ref<string>, guideId: Ref<string>) {
  const messages = ref<SandboxMessage[]>([]);
  const transcriptLoaded = ref(false);
  const transcriptError = ref("");

  let transcriptKey = "";
  let transcriptInFlight = "";
  let requested = 0;
  let applied = 0;

  /** Fetch the transcript of the current pair; `force` also when a poll is already on its way. */
  async function fetchTranscript(force = false): Promise<void> {
    const externalUserId = customerId.value;
    const userId = guideId.value;
    const key = `${externalUserId}|${userId}`;
    if (key !== transcriptKey) {
      transcriptKey = key;
      messages.value = [];
      transcriptLoaded.value = false;
      transcriptError.value = "";
    }
    if (!externalUserId || !userId || (!force && transcriptInFlight === key)) {
      return;
    }
    const sequence = ++requested;
    transcriptInFlight = key;
    try {
      const answer = await sandboxApi.chat(externalUserId, userId);
      if (key === transcriptKey && sequence > applied) {
        applied = sequence;
        messages.value = answer;
        transcriptLoaded.value = true;
        transcriptError.value = "";
      }
    } catch (caught) {
      if (key === transcriptKey && sequence > applied) {
        transcriptError.value = messageOf(caught);
      }
    } finally {
      if (transcriptInFlight === key) {
        transcriptInFlight = "";
      }
    }
  }

  watch([customerId, guideId], () => void fetchTranscript());

  let timer: ReturnType<typeof setInterval> | null = null;

  function startPolling(): void {
    timer ??= setInterval(() => void fetchTranscript(), TRANSCRIPT_POLL_MS);
  }

  function stopPolling(): void {
    if (timer !== null) {
      clearInterval(timer);
      timer = null;
    }
  }

  return { messages, transcriptLoaded, transcriptError, fetchTranscript, startPolling, stopPolling };
}
