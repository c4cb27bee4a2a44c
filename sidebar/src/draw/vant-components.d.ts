// The Vant resolver imports components at build time but, with dts off, vue-tsc would not know
// them; declaring the ones the draw page uses gets their props checked in templates.
import type { Button, Field, Loading, Popup, Tag } from "vant";

declare module "vue" {
  export interface GlobalComponents {
    VanButton: typeof Button;
    VanField: typeof Field;
    VanLoading: typeof Loading;
    VanPopup: typeof Popup;
    VanTag: typeof Tag;
  }
}
