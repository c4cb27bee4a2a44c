// Whether the console is on a narrow screen (a phone, a split window): the layout folds its menu
// into a drawer, forms put labels above fields and dialogs take the whole screen.
import { onScopeDispose, readonly, ref, type Ref } from "vue";

const QUERY = "(max-width: 768px)";

/**
 * @returns true while the window is at most 768 px wide.
 */
export function useNarrow(): Readonly<Ref<boolean>> {
  const media = window.matchMedia(QUERY);
  const narrow = ref(media.matches);
  const update = (event: MediaQueryListEvent) => {
    narrow.value = event.matches;
  };
  media.addEventListener("change", update);
  onScopeDispose(() => media.removeEventListener("change", update));
  return readonly(narrow);
}
