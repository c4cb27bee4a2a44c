import type { ApiError } from "@shared/api";
import { nextTick, ref, shallowRef, type Ref } from "vue";
import { toApiError } from "./useRequest";

/**
 * A list that pages in as the guide scrolls (van-list): `loadMore` for its @load, `restart` when
 * the filter changes. Answers to a filter that has since changed are dropped when they arrive.
 *
 * @param fetchPage loads one page (from 1) and says how many items the whole list has.
 * @returns the items and van-list's state, the last failure, `loadMore`, `restart`, and `list` for its ref.
 */
export function usePagedList<T, Extra = undefined>(fetchPage: (page: number) => Promise<{ items: T[]; total: number; extra?: Extra }>) {
  const items = ref<T[]>([]) as Ref<T[]>;
  /** What came with the latest page (counts around the list). */
  const extra = shallowRef<Extra | null>(null);
  const loading = ref(false);
  const finished = ref(false);
  const failed = ref(false);
  const errorText = ref("");
  const error = shallowRef<ApiError | null>(null);
  const list = ref<{ check: () => void } | null>(null);
  let page = 0;
  let generation = 0;

  async function loadMore(): Promise<void> {
    const mine = generation;
    loading.value = true;
    try {
      const result = await fetchPage(page + 1);
      if (mine !== generation) {
        return;
      }
      page += 1;
      extra.value = result.extra ?? null;
      items.value = [...items.value, ...result.items];
      finished.value = result.items.length === 0 || items.value.length >= result.total;
      error.value = null;
    } catch (caught) {
      if (mine === generation) {
        failed.value = true;
        error.value = toApiError(caught);
        errorText.value = error.value.status === 0 ? "网络异常，点击重试" : `${error.value.message}，点击重试`;
      }
    } finally {
      if (mine === generation) {
        loading.value = false;
      }
    }
  }

  function restart(): void {
    generation += 1;
    page = 0;
    items.value = [];
    finished.value = false;
    failed.value = false;
    loading.value = false;
    error.value = null;
    void nextTick(() => list.value?.check());
  }

  return { items, extra, loading, finished, failed, errorText, error, list, loadMore, restart };
}
