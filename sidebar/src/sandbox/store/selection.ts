// Who is on each side of the fake chat: the stand-in's state (people, channel codes, groups, the
// newest customers), the guide at the WeCom window, the customer or group open there, and the
// sidebar frame that follows them.
import { computed, ref, shallowRef } from "vue";
import { sandboxApi, type SandboxCustomer, type SandboxGroup, type SandboxState } from "../api";
import { messageOf, type Say } from "./feedback";

const GUIDE_KEY = "scrm.sandbox.guide";

function remembered(): string {
  try {
    return localStorage.getItem(GUIDE_KEY) ?? "";
  } catch {
    return "";
  }
}

function remember(userid: string): void {
  try {
    localStorage.setItem(GUIDE_KEY, userid);
  } catch {
    // private mode: the page just starts with the first guide next time
  }
}

/** The page's sidebar URL without any query (the state's sidebarUrl, or /sidebar/). */
function sidebarBase(state: SandboxState | null): string {
  const base = (state?.sidebarUrl || "/sidebar/").split(/[?#]/)[0] ?? "/sidebar/";
  return base || "/sidebar/";
}

/**
 * @param say where failures are shown.
 * @returns the state, the selection and how to change it.
 */
export function createSelection(say: Say) {
  const state = shallowRef<SandboxState | null>(null);
  const loading = ref(true);
  const loadError = ref("");

  const guideId = ref("");
  const customerId = ref("");
  const chatMode = ref<"single" | "group">("single");
  const groupId = ref("");
  /** Customers this page created, until the state lists them. */
  const scanned = ref<SandboxCustomer[]>([]);

  /** Bumped to reload the sidebar iframe; the frame is hidden while a guide switch logs in again. */
  const frameKey = ref(0);
  const frameReady = ref(false);
  const switchingGuide = ref(false);

  const guides = computed(() => state.value?.guides ?? []);
  const guide = computed(() => guides.value.find((item) => item.userid === guideId.value) ?? null);
  const customers = computed<SandboxCustomer[]>(() => {
    const listed = state.value?.recentCustomers ?? [];
    const extra = scanned.value.filter((item) => !listed.some((known) => known.external_userid === item.external_userid));
    return [...extra, ...listed];
  });
  const customer = computed(() => customers.value.find((item) => item.external_userid === customerId.value) ?? null);
  /** The selected guide's customers: the ones the sidebar can show. */
  const guideCustomers = computed(() => customers.value.filter((item) => item.guides.includes(guideId.value)));
  const groups = computed(() => state.value?.groups ?? []);
  const guideGroups = computed(() => groups.value.filter((item) => item.owner === guideId.value));
  const group = computed<SandboxGroup | null>(() => groups.value.find((item) => item.chat_id === groupId.value) ?? null);

  const guideName = (userid: string) => guides.value.find((item) => item.userid === userid)?.name || userid;

  const frameSrc = computed(() => {
    const base = sidebarBase(state.value);
    if (chatMode.value === "group") {
      return groupId.value ? `${base}?entry=group_chat_tools&chat=${encodeURIComponent(groupId.value)}` : "";
    }
    return customerId.value ? `${base}?entry=single_chat_tools&contact=${encodeURIComponent(customerId.value)}` : "";
  });

  /** The guide's task list in the real sidebar (我的任务), as the morning message opens it. */
  const tasksFrameSrc = computed(() => (guideId.value ? `${sidebarBase(state.value)}tasks` : ""));

  /** After the guide changed: keep the customer and group only when they are the guide's. */
  function reconcileSelection(): void {
    if (!guideCustomers.value.some((item) => item.external_userid === customerId.value)) {
      customerId.value = guideCustomers.value[0]?.external_userid ?? "";
    }
    if (!guideGroups.value.some((item) => item.chat_id === groupId.value)) {
      groupId.value = guideGroups.value[0]?.chat_id ?? "";
    }
  }

  let switchSequence = 0;

  /**
   * Make `userid` the guide at the WeCom window: tell the login stand-in, end the current session
   * unless it already is theirs, and reload the sidebar so it logs in again as them.
   */
  async function switchGuide(userid: string, options: { keepCustomer?: boolean; quiet?: boolean } = {}): Promise<void> {
    const sequence = ++switchSequence;
    guideId.value = userid;
    remember(userid);
    if (!options.keepCustomer) {
      reconcileSelection();
    }
    frameReady.value = false;
    switchingGuide.value = true;
    let failed = "";
    try {
      await sandboxApi.pickGuide(userid);
      let current = "";
      try {
        current = (await sandboxApi.me()).userId;
      } catch {
        // not logged in: the sidebar logs in through the stand-in anyway
      }
      if (current && current !== userid) {
        await sandboxApi.logout();
      }
    } catch (caught) {
      failed = messageOf(caught);
    }
    if (sequence !== switchSequence) {
      return;
    }
    switchingGuide.value = false;
    frameKey.value += 1;
    frameReady.value = true;
    if (failed) {
      say("guide", "error", `切换导购失败：${failed}`);
    } else if (!options.quiet) {
      say("guide", "result", `已切换为导购「${guideName(userid)}」，侧边栏已重新登录`);
    }
  }

  /** Pick a guide when none (or a vanished one) is selected. */
  async function ensureGuide(): Promise<void> {
    if (guideId.value && guides.value.some((item) => item.userid === guideId.value)) {
      return;
    }
    const saved = remembered();
    const next = guides.value.find((item) => item.userid === saved) ?? guides.value[0];
    if (!next) {
      guideId.value = "";
      return;
    }
    await switchGuide(next.userid, { quiet: true });
  }

  async function loadState(options: { silent?: boolean } = {}): Promise<void> {
    if (!options.silent) {
      loading.value = state.value === null;
    }
    try {
      state.value = await sandboxApi.state();
      loadError.value = "";
      scanned.value = scanned.value.filter((item) => !state.value?.recentCustomers.some((known) => known.external_userid === item.external_userid));
    } catch (caught) {
      if (state.value === null) {
        loadError.value = messageOf(caught);
      } else if (!options.silent) {
        say("header", "error", `刷新沙箱状态失败：${messageOf(caught)}`);
      }
      return;
    } finally {
      loading.value = false;
    }
    if (!guideId.value || !guides.value.some((item) => item.userid === guideId.value)) {
      await ensureGuide();
    } else if (!customerId.value || !groupId.value) {
      // New customers or groups may have arrived (the demo): fill an empty selection.
      if (!customerId.value) {
        customerId.value = guideCustomers.value[0]?.external_userid ?? "";
      }
      if (!groupId.value) {
        groupId.value = guideGroups.value[0]?.chat_id ?? "";
      }
    }
  }

  function selectCustomer(externalUserId: string): void {
    customerId.value = externalUserId;
    chatMode.value = "single";
  }

  function selectGroup(chatId: string): void {
    groupId.value = chatId;
    chatMode.value = "group";
  }

  return {
    state,
    loading,
    loadError,
    guideId,
    guide,
    guides,
    customerId,
    customer,
    customers,
    guideCustomers,
    chatMode,
    groupId,
    group,
    groups,
    guideGroups,
    scanned,
    frameKey,
    frameReady,
    frameSrc,
    tasksFrameSrc,
    switchingGuide,
    guideName,
    loadState,
    switchGuide,
    selectCustomer,
    selectGroup,
  };
}

export type Selection = ReturnType<typeof createSelection>;
