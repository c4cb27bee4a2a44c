// The sandbox page's one store: the stand-in's state, who is on each side of the fake chat (the
// customer on the phone, the guide at the WeCom window), their transcript (polled), the demo run
// and the last action's outcome. Both panels read and act through it, so they always show the
// same conversation.
import { ApiError } from "@shared/api";
import { computed, reactive, ref, shallowRef, watch } from "vue";
import { sandboxApi, yuan, type BuyOutcome, type DemoProgress, type SandboxCustomer, type SandboxGroup, type SandboxMessage, type SandboxState } from "./api";

export type Panel = "header" | "phone" | "guide";

export interface Feedback {
  panel: Panel;
  kind: "result" | "error";
  text: string;
}

const GUIDE_KEY = "scrm.sandbox.guide";
const TRANSCRIPT_POLL_MS = 2000;
const DEMO_POLL_MS = 1000;

/** The server's message without the field it names ("chatId: 群已满（200 人）" → "群已满（200 人）"). */
function messageOf(caught: unknown): string {
  const text = caught instanceof ApiError || caught instanceof Error ? caught.message : String(caught);
  return text.replace(/^[A-Za-z][\w.[\]]*: (?=\S)/, "");
}

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

function createSandbox() {
  const state = shallowRef<SandboxState | null>(null);
  const loading = ref(true);
  const loadError = ref("");

  const guideId = ref("");
  const customerId = ref("");
  const chatMode = ref<"single" | "group">("single");
  const groupId = ref("");
  /** Customers this page created, until the state lists them. */
  const scanned = ref<SandboxCustomer[]>([]);

  const messages = ref<SandboxMessage[]>([]);
  const transcriptLoaded = ref(false);
  const transcriptError = ref("");

  /** Bumped to reload the sidebar iframe; the frame is hidden while a guide switch logs in again. */
  const frameKey = ref(0);
  const frameReady = ref(false);
  const switchingGuide = ref(false);

  const feedback = shallowRef<Feedback | null>(null);
  const busy = reactive({ scan: false, join: false, buy: false, customerSend: false, guideSend: false, demo: false, seed: false });

  const demo = shallowRef<DemoProgress | null>(null);

  // ---- derived -------------------------------------------------------------------------------

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

  function say(panel: Panel, kind: Feedback["kind"], text: string): void {
    feedback.value = { panel, kind, text };
  }

  // ---- state and guide -----------------------------------------------------------------------

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

  // ---- transcript ------------------------------------------------------------------------------

  let transcriptKey = "";
  let transcriptInFlight = "";
  let requested = 0;
  let applied = 0;

  /** Fetch the transcript of the current pair; `force` also when a poll is already on its way. */
  async function fetchTranscript(force = false): Promise<void> {
    const externalUserId = customerId.value;
    const userId = guideId.value;
    const key = `${externalUserId}|${userId}`;
    if (key !== transcriptKey) {
      transcriptKey = key;
      messages.value = [];
      transcriptLoaded.value = false;
      transcriptError.value = "";
    }
    if (!externalUserId || !userId || (!force && transcriptInFlight === key)) {
      return;
    }
    const sequence = ++requested;
    transcriptInFlight = key;
    try {
      const answer = await sandboxApi.chat(externalUserId, userId);
      // Only the newest answer for the pair still on screen counts.
      if (key === transcriptKey && sequence > applied) {
        applied = sequence;
        messages.value = answer;
        transcriptLoaded.value = true;
        transcriptError.value = "";
      }
    } catch (caught) {
      if (key === transcriptKey && sequence > applied) {
        transcriptError.value = messageOf(caught);
      }
    } finally {
      if (transcriptInFlight === key) {
        transcriptInFlight = "";
      }
    }
  }

  watch([customerId, guideId], () => void fetchTranscript());

  let transcriptTimer: ReturnType<typeof setInterval> | null = null;

  function startPolling(): void {
    if (transcriptTimer === null) {
      transcriptTimer = setInterval(() => void fetchTranscript(), TRANSCRIPT_POLL_MS);
    }
  }

  function stopPolling(): void {
    if (transcriptTimer !== null) {
      clearInterval(transcriptTimer);
      transcriptTimer = null;
    }
    if (demoTimer !== null) {
      clearTimeout(demoTimer);
      demoTimer = null;
    }
  }

  // ---- actions ---------------------------------------------------------------------------------

  async function scan(configId: string, name: string): Promise<boolean> {
    busy.scan = true;
    feedback.value = null;
    try {
      const added = await sandboxApi.scan(configId, name.trim() || undefined);
      const customerName = name.trim() || "新客户";
      scanned.value = [{ external_userid: added.external_userid, name: customerName, guides: [added.userid] }, ...scanned.value];
      await loadState({ silent: true });
      customerId.value = added.external_userid;
      chatMode.value = "single";
      if (added.userid && added.userid !== guideId.value) {
        await switchGuide(added.userid, { keepCustomer: true, quiet: true });
      }
      say("phone", "result", `扫码成功：「${customer.value?.name || customerName}」已添加导购「${guideName(added.userid)}」为好友`);
      void fetchTranscript(true);
      return true;
    } catch (caught) {
      say("phone", "error", `扫码失败：${messageOf(caught)}`);
      return false;
    } finally {
      busy.scan = false;
    }
  }

  async function joinGroup(chatId: string): Promise<boolean> {
    if (!customerId.value) {
      say("phone", "error", "请先扫码添加导购");
      return false;
    }
    busy.join = true;
    feedback.value = null;
    const name = groups.value.find((item) => item.chat_id === chatId)?.name || chatId;
    try {
      const joined = await sandboxApi.joinGroup(customerId.value, chatId);
      say("phone", "result", `已加入群聊「${name}」，现在共 ${joined.memberCount} 人`);
      await loadState({ silent: true });
      return true;
    } catch (caught) {
      say("phone", "error", `加入群聊失败：${messageOf(caught)}`);
      return false;
    } finally {
      busy.join = false;
    }
  }

  async function buy(amountText: string): Promise<boolean> {
    const trimmed = amountText.trim();
    if (!customerId.value) {
      say("phone", "error", "请先扫码添加导购");
      return false;
    }
    if (!/^\d+(\.\d{1,2})?$/.test(trimmed) || Number(trimmed) <= 0) {
      say("phone", "error", "请输入正确的金额（元，最多两位小数）");
      return false;
    }
    const amountFen = Math.round(Number(trimmed) * 100);
    busy.buy = true;
    feedback.value = null;
    try {
      const outcome = (await sandboxApi.buy({
        externalUserId: customerId.value,
        amountFen,
        // The server puts the order in the guide's store.
        guideUserId: guideId.value || undefined,
      })) as BuyOutcome | null;
      if (outcome && outcome.result === "rejected") {
        say("phone", "error", `下单未成功：${outcome.reason}`);
        return false;
      }
      const memberNo = outcome && "memberNo" in outcome ? outcome.memberNo || outcome.member?.memberNo : undefined;
      const points = outcome && "member" in outcome && typeof outcome.member?.points === "number" ? `，当前积分 ${outcome.member.points}` : "";
      const member = memberNo ? `，会员号 ${memberNo}` : "";
      const duplicate = outcome?.result === "duplicate" ? "（重复订单，未重复计入）" : "";
      say("phone", "result", `下单成功：${yuan(amountFen)}${member}${points}${duplicate}`);
      return true;
    } catch (caught) {
      say("phone", "error", `下单失败：${messageOf(caught)}`);
      return false;
    } finally {
      busy.buy = false;
    }
  }

  async function send(from: "customer" | "guide", text: string): Promise<boolean> {
    const panel: Panel = from === "customer" ? "phone" : "guide";
    const flag = from === "customer" ? "customerSend" : "guideSend";
    if (!customerId.value || !guideId.value) {
      say(panel, "error", from === "customer" ? "请先扫码添加导购" : "请先选择一位客户");
      return false;
    }
    if (!text.trim()) {
      return false;
    }
    busy[flag] = true;
    try {
      await sandboxApi.say(customerId.value, guideId.value, from, text.trim());
      await fetchTranscript(true);
      return true;
    } catch (caught) {
      say(panel, "error", `发送失败：${messageOf(caught)}`);
      return false;
    } finally {
      busy[flag] = false;
    }
  }

  // ---- demo ------------------------------------------------------------------------------------

  let demoTimer: ReturnType<typeof setTimeout> | null = null;
  let demoTicks = 0;

  async function pollDemo(): Promise<void> {
    demoTimer = null;
    try {
      demo.value = await sandboxApi.demo();
    } catch (caught) {
      demo.value = { ...(demo.value ?? { running: false }), running: false, error: messageOf(caught) };
    }
    demoTicks += 1;
    const current = demo.value;
    if (current?.running) {
      if (demoTicks % 3 === 0) {
        void loadState({ silent: true });
      }
      demoTimer = setTimeout(() => void pollDemo(), DEMO_POLL_MS);
      return;
    }
    busy.demo = false;
    if (current?.error) {
      say("header", "error", `生成演示数据失败：${current.error}`);
    } else {
      say("header", "result", "演示数据已生成");
    }
    await loadState({ silent: true });
  }

  async function startDemo(): Promise<void> {
    busy.demo = true;
    feedback.value = null;
    try {
      demo.value = { done: 0, total: 0, step: "", error: null, ...(await sandboxApi.startDemo()), running: true };
    } catch (caught) {
      busy.demo = false;
      if (caught instanceof ApiError && caught.status === 409) {
        // Already running (another tab, npm run demo): follow that run.
        await resumeDemo();
        return;
      }
      say("header", "error", `生成演示数据失败：${messageOf(caught)}`);
      return;
    }
    demoTicks = 0;
    if (demoTimer === null) {
      demoTimer = setTimeout(() => void pollDemo(), DEMO_POLL_MS);
    }
  }

  /** Create the sandbox corp without the demo's customers and orders. */
  async function seed(): Promise<void> {
    busy.seed = true;
    feedback.value = null;
    try {
      await sandboxApi.seed();
      await loadState({ silent: true });
      say("header", "result", "沙箱企业已初始化：门店、导购、渠道活码和客户群已就绪");
    } catch (caught) {
      say("header", "error", `初始化失败：${messageOf(caught)}`);
    } finally {
      busy.seed = false;
    }
  }

  /** On load: a demo started elsewhere (another tab, npm run demo) shows its progress here too. */
  async function resumeDemo(): Promise<void> {
    try {
      const current = await sandboxApi.demo();
      if (current.running) {
        demo.value = current;
        busy.demo = true;
        demoTicks = 0;
        demoTimer ??= setTimeout(() => void pollDemo(), DEMO_POLL_MS);
      }
    } catch {
      // the button still works; its own errors are shown
    }
  }

  async function start(): Promise<void> {
    await loadState();
    void resumeDemo();
    void fetchTranscript();
    startPolling();
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
    messages,
    transcriptLoaded,
    transcriptError,
    frameKey,
    frameReady,
    frameSrc,
    switchingGuide,
    feedback,
    busy,
    demo,
    guideName,
    start,
    stopPolling,
    loadState,
    switchGuide,
    selectCustomer,
    selectGroup,
    fetchTranscript,
    scan,
    joinGroup,
    buy,
    send,
    startDemo,
    seed,
  };
}

export type Sandbox = ReturnType<typeof createSandbox>;

let instance: Sandbox | null = null;

/** The page's store (one per page). */
export function useSandbox(): Sandbox {
  instance ??= createSandbox();
  return instance;
}
