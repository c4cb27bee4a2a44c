// A settings page that edits one document and saves it as a new version (会员体系, 任务规则): the
// draft and whether it changed, saving with refusals placed at their fields (anything else above
// the form), and discarding back to what is in force.
import type { ApiError } from "@shared/api";
import { computed, ref, type Ref } from "vue";
import { toastError, toastSuccess } from "../feedback";
import { useFieldErrors } from "./useFieldErrors";
import { toApiError, useRequest } from "./useRequest";

/**
 * @param options how to load the state, read its settings from it, copy them to edit, save them,
 *   the form's field paths, and what to say once saved.
 * @returns the page's state and actions.
 */
export function useSettingsDraft<State, Settings>(options: {
  load: () => Promise<State>;
  settingsOf: (state: State) => Settings;
  clone: (settings: Settings) => Settings;
  save: (settings: Settings) => Promise<{ version: number }>;
  fields: readonly string[];
  savedText: (version: number) => string;
}) {
  const draft = ref(null) as Ref<Settings | null>;
  const original = ref("");
  const request = useRequest(async () => {
    const state = await options.load();
    draft.value = options.clone(options.settingsOf(state));
    original.value = JSON.stringify(options.settingsOf(state));
    return state;
  });
  const dirty = computed(() => draft.value !== null && JSON.stringify(draft.value) !== original.value);
  const fieldErrors = useFieldErrors(options.fields);
  const failure = ref<ApiError | null>(null);
  const saving = ref(false);

  /** @returns whether it was saved. */
  async function save(): Promise<boolean> {
    if (!draft.value) {
      return false;
    }
    saving.value = true;
    failure.value = null;
    fieldErrors.clear();
    try {
      const saved = await options.save(draft.value);
      toastSuccess(options.savedText(saved.version));
      await request.refetch();
      return true;
    } catch (caught) {
      toastError(caught, "保存失败");
      if (!fieldErrors.place(caught)) {
        failure.value = toApiError(caught);
      }
      return false;
    } finally {
      saving.value = false;
    }
  }

  function discard(): void {
    if (request.data.value) {
      draft.value = options.clone(options.settingsOf(request.data.value));
      failure.value = null;
      fieldErrors.clear();
    }
  }

  return { ...request, draft, dirty, fieldErrors, failure, saving, save, discard };
}
