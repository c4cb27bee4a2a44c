import { ref, shallowRef, type Ref, type ShallowRef } from "vue";
import { errorMessage } from "./format";

/** What a page shows for one request. */
export interface RequestState<T> {
  data: ShallowRef<T | null>;
  error: Ref<string | null>;
  loading: Ref<boolean>;
  refetch: () => Promise<void>;
}

/**
 * Load something and keep `{ data, error, loading }` for the template. Only the latest call's
 * answer is kept, so a slow earlier answer never overwrites a newer one.
 *
 * @param load the request.
 * @param options `immediate: false` to wait for the first refetch().
 * @returns the state and refetch().
 */
export function useRequest<T>(load: () => Promise<T>, options: { immediate?: boolean } = {}): RequestState<T> {
  const data = shallowRef<T | null>(null);
  const error = ref<string | null>(null);
  const loading = ref(false);
  let latest = 0;
  async function refetch(): Promise<void> {
    const call = ++latest;
    loading.value = true;
    error.value = null;
    try {
      const result = await load();
      if (call === latest) {
        data.value = result;
      }
    } catch (caught) {
      if (call === latest) {
        error.value = errorMessage(caught);
      }
    } finally {
      if (call === latest) {
        loading.value = false;
      }
    }
  }
  if (options.immediate !== false) {
    void refetch();
  }
  return { data, error, loading, refetch };
}
