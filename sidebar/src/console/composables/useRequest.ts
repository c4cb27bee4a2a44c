// The console's one way to load data: `useRequest` for one answer, `usePaged` for a paged list.
// Both keep { data, error, loading } for the template (AsyncState shows them), let only the
// latest call write (a slow earlier answer never overwrites a newer one), and send the user to
// the login page when the session has lapsed.
import { ApiError, type Paged } from "@shared/api";
import { computed, ref, shallowRef, watch, type ComputedRef, type Ref, type ShallowRef } from "vue";
import { reportApiError } from "../session";

export interface RequestState<T> {
  data: ShallowRef<T | null>;
  /** The failure of the latest call, worded for people (ApiError's message). */
  error: ShallowRef<ApiError | null>;
  loading: Ref<boolean>;
  /** Load again; resolves once the answer (or the failure) is in. */
  refetch: () => Promise<void>;
}

/**
 * @param caught anything a load threw.
 * @returns it as an ApiError, so pages show one kind of failure.
 */
export function toApiError(caught: unknown): ApiError {
  if (caught instanceof ApiError) {
    return caught;
  }
  // A lazily loaded chunk that fails to download surfaces as a TypeError from import().
  return new ApiError(caught instanceof TypeError ? 0 : 500, caught instanceof TypeError ? "network_error" : "client_error", caught instanceof Error ? caught.message : String(caught));
}

/**
 * Load something for a page.
 *
 * @param load the request (reads its parameters from refs when it runs).
 * @param options `immediate: false` to wait for the first refetch().
 * @returns the state and refetch().
 */
export function useRequest<T>(load: () => Promise<T>, options: { immediate?: boolean } = {}): RequestState<T> {
  const data = shallowRef<T | null>(null);
  const error = shallowRef<ApiError | null>(null);
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
      reportApiError(caught);
      if (call === latest) {
        error.value = toApiError(caught);
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

export interface PagedState<T> extends RequestState<Paged<T>> {
  /** The rows of the current page ([] before the first answer). */
  rows: ComputedRef<T[]>;
  total: ComputedRef<number>;
  /** Bind to the pager (ListPager): changing either loads that page. */
  page: Ref<number>;
  pageSize: Ref<number>;
  /** Filters changed: back to page 1 and load. */
  search: () => Promise<void>;
}

/**
 * Load a paged list. The page and page size live here; a new page size starts at page 1.
 *
 * @param load the request for one page (reads its filters from refs when it runs).
 * @param options the first page and size (e.g. from the URL), and `immediate: false`.
 * @returns the list's state.
 */
export function usePaged<T>(load: (page: { page: number; pageSize: number }) => Promise<Paged<T>>, options: { page?: number; pageSize?: number; immediate?: boolean } = {}): PagedState<T> {
  const page = ref(options.page ?? 1);
  const pageSize = ref(options.pageSize ?? 20);
  const state = useRequest(() => load({ page: page.value, pageSize: pageSize.value }), { immediate: options.immediate });
  const rows = computed(() => state.data.value?.data ?? []);
  const total = computed(() => state.data.value?.pagination.total ?? 0);
  // One load per change: a new size resets the page, and the page watcher does not fire twice.
  let resetting = false;
  watch(pageSize, () => {
    resetting = page.value !== 1;
    page.value = 1;
    void state.refetch();
  });
  watch(page, () => {
    if (resetting) {
      resetting = false;
      return;
    }
    void state.refetch();
  });
  async function search(): Promise<void> {
    if (page.value !== 1) {
      resetting = true;
      page.value = 1;
    }
    await state.refetch();
  }
  return { ...state, rows, total, page, pageSize, search };
}
