// The Vant resolver imports components at build time but, with dts off, vue-tsc would not know
// them; declaring the ones the sidebar uses gets their props checked in templates.
import type { ActionSheet, Badge, Button, Cell, CellGroup, Dialog, Empty, Field, Form, Image, List, Loading, NavBar, Popup, Progress, Search, Skeleton, Tab, Tabs, Tag } from "vant";

declare module "vue" {
  export interface GlobalComponents {
    VanActionSheet: typeof ActionSheet;
    VanBadge: typeof Badge;
    VanButton: typeof Button;
    VanCell: typeof Cell;
    VanCellGroup: typeof CellGroup;
    VanDialog: typeof Dialog;
    VanEmpty: typeof Empty;
    VanField: typeof Field;
    VanForm: typeof Form;
    VanImage: typeof Image;
    VanList: typeof List;
    VanLoading: typeof Loading;
    VanNavBar: typeof NavBar;
    VanPopup: typeof Popup;
    VanProgress: typeof Progress;
    VanSearch: typeof Search;
    VanSkeleton: typeof Skeleton;
    VanTab: typeof Tab;
    VanTabs: typeof Tabs;
    VanTag: typeof Tag;
  }
}

export {};
