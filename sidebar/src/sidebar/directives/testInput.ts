import type { Directive } from "vue";

/**
 * `v-test-input="'note-input'"` on a Vant field or search box: puts `data-test` on the real
 * `<input>`/`<textarea>` inside, because Vant passes attributes to its wrapper and browser tests
 * need an element they can type into.
 */
export const vTestInput: Directive<HTMLElement, string> = {
  mounted(el, binding) {
    (el.querySelector("input, textarea") ?? el).setAttribute("data-test", binding.value);
  },
};
