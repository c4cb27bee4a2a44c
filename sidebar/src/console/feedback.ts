// The console's one feedback helper: toasts, confirmations and prompts. ElMessage and
// ElMessageBox are called from scripts, which the component resolver does not see, so their
// styles come in here (and main.ts).
import { ElMessage, ElMessageBox } from "element-plus";
import "element-plus/es/components/message/style/css";
import "element-plus/es/components/message-box/style/css";
import { toApiError } from "./composables/useRequest";

/**
 * @param text what went well.
 */
export function toastSuccess(text: string): void {
  ElMessage({ type: "success", message: text });
}

/**
 * @param text what happened but was not what was asked (e.g. a tag that already existed).
 */
export function toastWarning(text: string): void {
  ElMessage({ type: "warning", message: text, duration: 5000, showClose: true });
}

/**
 * @param error anything an API call threw (its message is already a Chinese sentence).
 * @param prefix what was being done, e.g. "保存失败".
 */
export function toastError(error: unknown, prefix = "操作失败"): void {
  ElMessage({ type: "error", message: `${prefix}：${toApiError(error).message}`, duration: 6000, showClose: true });
}

/**
 * @param text the question.
 * @param title the box title.
 * @param confirmText the confirm button's text.
 * @returns whether the user confirmed.
 */
export async function confirmDanger(text: string, title = "请确认", confirmText = "删除"): Promise<boolean> {
  try {
    await ElMessageBox.confirm(text, title, { type: "warning", confirmButtonText: confirmText, cancelButtonText: "取消", confirmButtonType: "danger" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Ask for one line of text.
 *
 * @param title the box title.
 * @param options the current value, the label and the longest text accepted.
 * @returns the trimmed text, or null when cancelled.
 */
export async function promptText(title: string, options: { value?: string; label: string; max?: number }): Promise<string | null> {
  const max = options.max ?? 30;
  try {
    const { value } = await ElMessageBox.prompt(options.label, title, {
      inputValue: options.value ?? "",
      confirmButtonText: "确定",
      cancelButtonText: "取消",
      inputValidator: (text: string) => {
        const trimmed = text.trim();
        if (!trimmed) {
          return "不能为空";
        }
        return trimmed.length <= max ? true : `最多 ${max} 个字`;
      },
    });
    return value.trim();
  } catch {
    return null;
  }
}

/**
 * Ask for one line of text and act on it before the box closes: a refusal (a duplicate name)
 * shows under the input and the box stays open with what was typed.
 *
 * @param title the box title.
 * @param options the current value, the label and the longest text accepted.
 * @param submit what to do with the trimmed text; its error's message is shown at the input.
 * @returns whether it was submitted (false when cancelled).
 */
export async function promptSubmit(title: string, options: { value?: string; label: string; max?: number }, submit: (text: string) => Promise<void>): Promise<boolean> {
  const max = options.max ?? 30;
  try {
    await ElMessageBox.prompt(options.label, title, {
      inputValue: options.value ?? "",
      confirmButtonText: "确定",
      cancelButtonText: "取消",
      closeOnClickModal: false,
      inputValidator: (text: string) => {
        const trimmed = text.trim();
        if (!trimmed) {
          return "不能为空";
        }
        return trimmed.length <= max ? true : `最多 ${max} 个字`;
      },
      beforeClose: (action, instance, done) => {
        if (action !== "confirm") {
          done();
          return;
        }
        instance.confirmButtonLoading = true;
        submit(String(instance.inputValue ?? "").trim())
          .then(() => done())
          .catch((error: unknown) => {
            // MessageBoxState's editorErrorMessage is the line under the input.
            (instance as unknown as { editorErrorMessage: string }).editorErrorMessage = toApiError(error).message;
          })
          .finally(() => {
            instance.confirmButtonLoading = false;
          });
      },
    });
    return true;
  } catch {
    return false;
  }
}

/**
 * Tell the user something they must read (e.g. a redemption code).
 *
 * @param text the message.
 * @param title the box title.
 */
export async function notice(text: string, title: string): Promise<void> {
  await ElMessageBox.alert(text, title, { confirmButtonText: "知道了" }).catch(() => undefined);
}
