import { BridgeError, type ChatMessage } from "@shared/ww";
import { ref } from "vue";
import { showFailToast } from "../utils/toast";
import { useBridge } from "./useBridge";
import { toApiError } from "./useRequest";

/**
 * Sending into the open chat through the JS-SDK, one message at a time per list: which item is
 * sending (for its button's spinner) and a failure told to the guide in their words.
 *
 * @returns the id being sent and `send(id, message)`, resolving to whether it went.
 */
export function useChatSend() {
  const bridge = useBridge();
  const sendingId = ref("");

  async function send(id: string, message: ChatMessage): Promise<boolean> {
    sendingId.value = id;
    try {
      await bridge.sendChatMessage(message);
      return true;
    } catch (error) {
      showFailToast(error instanceof BridgeError ? error.message : toApiError(error).message);
      return false;
    } finally {
      sendingId.value = "";
    }
  }

  return { sendingId, send };
}
