import { ApiError } from "@shared/api";
import { shallowRef, type Ref, type ShallowRef } from "vue";

export interface Request<T> {
  data: Ref<T | null>;
  error: ShallowRef<ApiError | null>;
  loading: Ref<boolean>;
  /**
   * Load again. `keep` leaves the current data on screen while it reloads and, if the reload
   * fails, keeps it there (the caller tells the guide); resolves to whether it succeeded.
   */
  refetch: (options?: { keep?: boolean }) => Promise<boolean>;
}

/** Anything thrown becomes an ApiError so views show one kind of error. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) {
    return error;
  }
  // A lazily loaded chunk that fails to download surfaces as a TypeError from import().
  if (error instanceof TypeError) {
    return new ApiError(0, "network_error", "网络异常，点击重试");
  }
  return new ApiError(0, "client_error", error instanceof Error ? error.message : String(error));
}

/**
 * One request's state for a view. Only the latest call may write: a slow earlier answer must not
 * overwrite a newer one (the stand-in context can change while a customer is loading).
 *
 * @param load the request.
 * @param options `immediate: false` waits for the first refetch().
 * @returns data, error, loading and refetch.
 */
export function useRequest<T>(load: () => Promise<T>, options: { immediate?: boolean } = {}): Request<T> {
  const data = shallowRef<T | null>(null) as Ref<T | null>;
  const error = shallowRef<ApiError | null>(null);
  const loading = shallowRef(false);
  let generation = 0;

  async function refetch({ keep = false } = {}): Promise<boolean> {
    const mine = ++generation;
    const keeping = keep && data.value !== null;
    loading.value = true;
    if (!keeping) {
      error.value = null;
      data.value = null;
    }
    try {
      const result = await load();
      if (mine === generation) {
        data.value = result;
        error.value = null;
      }
      return true;
    } catch (caught) {
      if (mine === generation && !keeping) {
        error.value = toApiError(caught);
      }
      return false;
    } finally {
      if (mine === generation) {
        loading.value = false;
      }
    }
  }

  if (options.immediate !== false) {
    void refetch();
  }
  return { data, error, loading, refetch };
}
