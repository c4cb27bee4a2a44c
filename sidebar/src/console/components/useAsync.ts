// Loading a piece of a page: { data, loading, error, run }. Only the latest run's answer counts,
// so a slow earlier search cannot overwrite a newer one.
import { ref, shallowRef, type Ref, type ShallowRef } from "vue";
import { reportApiError } from "../session";
import { errorMessage } from "./errors";

export interface AsyncData<T> {
  data: ShallowRef<T | undefined>;
  loading: Ref<boolean>;
  error: Ref<string | null>;
  run: () => Promise<void>;
}

/**
 * Wraps a fetcher in reactive state.
 *
 * @param fetcher loads the data (reads its parameters from refs when it runs).
 * @param options `immediate: false` to wait for the first `run()`.
 * @returns the state and `run` to (re)load.
 */
export function useAsync<T>(fetcher: () => Promise<T>, options: { immediate?: boolean } = {}): AsyncData<T> {
  const data = shallowRef<T | undefined>();
  const loading = ref(false);
  const error = ref<string | null>(null);
  let sequence = 0;

  async function run(): Promise<void> {
    const id = ++sequence;
    loading.value = true;
    error.value = null;
    try {
      const result = await fetcher();
      if (id === sequence) {
        data.value = result;
      }
    } catch (caught) {
      if (id === sequence) {
        error.value = errorMessage(caught);
      }
      reportApiError(caught);
    } finally {
      if (id === sequence) {
        loading.value = false;
      }
    }
  }

  if (options.immediate !== false) {
    void run();
  }
  return { data, loading, error, run };
}
