// The sandbox corp's fixed cast: the brand, its stores, guides, managers and operator, corp tags,
// channel codes, customer groups, and what the stores sell. Names only; ids of tags and groups are
// minted when the corp is seeded.

/** Department 1 is the brand; stores sit below it (WeCom's directory). */
export const BRAND = { id: 1, name: "沙盒美妆" } as const;

export interface StoreSeed {
  id: number;
  name: string;
  /** Short code used in channel states (`store101-poster`). */
  code: string;
  /** WeCom sorts siblings by order, larger first. */
  order: number;
  /**
   * Share of their tasks the store's guides do (each guide a little above or below it), so the
   * completion pages show one store well ahead of another (server/sandbox/guideBehaviour.ts).
   */
  taskDiligence: number;
}

export const STORES: StoreSeed[] = [
  { id: 101, name: "上海南京西路店", code: "store101", order: 300, taskDiligence: 0.88 },
  { id: 102, name: "北京三里屯店", code: "store102", order: 200, taskDiligence: 0.66 },
  { id: 103, name: "杭州湖滨店", code: "store103", order: 100, taskDiligence: 0.42 },
];

export interface UserSeed {
  userid: string;
  name: string;
  department: number[];
  main_department: number;
  position: string;
  gender: "1" | "2";
  alias: string;
}

/** 4 guides per store, in store order; the first of each store is its senior guide. */
export const GUIDES: UserSeed[] = [
  guide("zhangxiaomei", "张晓梅", 101, "2", "资深美容顾问"),
  guide("liting", "李婷", 101, "2", "美容顾问"),
  guide("wanghao", "王浩", 101, "1", "美容顾问"),
  guide("chenjing", "陈静", 101, "2", "美容顾问"),
  guide("zhaomin", "赵敏", 102, "2", "资深美容顾问"),
  guide("sunlei", "孙磊", 102, "1", "美容顾问"),
  guide("zhouyan", "周燕", 102, "2", "美容顾问"),
  guide("wuqian", "吴倩", 102, "2", "美容顾问"),
  guide("zhengshuang", "郑爽", 103, "2", "资深美容顾问"),
  guide("fengjie", "冯杰", 103, "1", "美容顾问"),
  guide("heli", "何丽", 103, "2", "美容顾问"),
  guide("xuyun", "徐芸", 103, "2", "美容顾问"),
];

export const MANAGERS: UserSeed[] = [
  { userid: "linfang", name: "林芳", department: [101, 102], main_department: 101, position: "华东华北区域经理", gender: "2", alias: "Fiona" },
  { userid: "gaojian", name: "高健", department: [103], main_department: 103, position: "店长", gender: "1", alias: "Jason" },
];

/**
 * The brand's membership operator at head office: the one who sets up auto-tag rules and saved
 * segments in the console (the demo logs in as her to do it).
 */
export const OPERATOR: UserSeed = { userid: "tangyun", name: "唐芸", department: [BRAND.id], main_department: BRAND.id, position: "会员运营", gender: "2", alias: "Yuna" };

/** Everyone in the corp's directory. */
export const PEOPLE: UserSeed[] = [...GUIDES, ...MANAGERS, OPERATOR];

function guide(userid: string, name: string, store: number, gender: "1" | "2", position: string): UserSeed {
  return { userid, name, department: [store], main_department: store, position, gender, alias: "" };
}

/**
 * @param storeId a store's department id.
 * @returns the store's guides, senior guide first.
 */
export function guidesOf(storeId: number): UserSeed[] {
  return GUIDES.filter((user) => user.main_department === storeId);
}

export interface TagGroupSeed {
  name: string;
  order: number;
  tags: string[];
}

export const TAG_GROUPS: TagGroupSeed[] = [
  { name: "客户来源", order: 400, tags: ["门店海报", "收银台", "直播间", "朋友推荐"] },
  { name: "肤质", order: 300, tags: ["干性", "油性", "混合性", "敏感肌"] },
  { name: "兴趣", order: 200, tags: ["护肤", "彩妆", "香氛", "身体护理"] },
  { name: "消费偏好", order: 100, tags: ["价格敏感", "品质优先", "爱尝新"] },
];

export interface ContactWaySeed {
  state: string;
  remark: string;
  /** 1: one guide; 2: several (WeCom picks one per scan). */
  type: 1 | 2;
  users: string[];
  /** The 客户来源 tag customers of this way carry. */
  sourceTag: string;
  /**
   * Whether the demo's auto-tag rule gives it (the live stream's code); for the stores' codes the
   * guide picks it while accepting the customer. (A rule costs the product a mark_tag and a few
   * writes per add: on every code it would slow the demo down by a quarter.)
   */
  ruleTagged: boolean;
  /** The store the way is displayed in (null: brand-wide). */
  storeId: number | null;
}

/** Channel codes: a poster (all the store's guides) and the till (the senior guide) per store, and the brand's live stream. */
export const CONTACT_WAYS: ContactWaySeed[] = [
  ...STORES.flatMap((store): ContactWaySeed[] => {
    const guides = guidesOf(store.id).map((user) => user.userid);
    return [
      { state: `${store.code}-poster`, remark: `${store.name} 门店海报`, type: 2, users: guides, sourceTag: "门店海报", ruleTagged: false, storeId: store.id },
      { state: `${store.code}-counter`, remark: `${store.name} 收银台`, type: 1, users: guides.slice(0, 1), sourceTag: "收银台", ruleTagged: false, storeId: store.id },
    ];
  }),
  { state: "brand-live", remark: "品牌直播间", type: 2, users: STORES.flatMap((store) => guidesOf(store.id).slice(0, 2).map((user) => user.userid)), sourceTag: "直播间", ruleTagged: true, storeId: null },
];

export interface GroupSeed {
  name: string;
  owner: string;
  storeId: number;
  notice: string;
}

/** Two customer groups per store, owned by its first two guides. */
export const GROUPS: GroupSeed[] = STORES.flatMap((store) => {
  const [first, second] = guidesOf(store.id);
  const city = store.name.slice(0, 2);
  return [
    { name: `${city}护肤交流群`, owner: first?.userid ?? "", storeId: store.id, notice: "欢迎加入！每周三晚 8 点护肤小课堂。" },
    { name: `${store.name}会员福利群`, owner: second?.userid ?? "", storeId: store.id, notice: "会员专享福利在群里第一时间发布。" },
  ];
});

export interface ProductSeed {
  sku: string;
  name: string;
  category: string;
  /** Price in fen. */
  price: number;
}

export const PRODUCTS: ProductSeed[] = [
  { sku: "SK-ESS-30", name: "水润保湿精华液 30ml", category: "护肤", price: 38_900 },
  { sku: "SK-MSK-05", name: "玻尿酸补水面膜 5片装", category: "护肤", price: 12_900 },
  { sku: "SK-CLN-120", name: "氨基酸洁面乳 120g", category: "护肤", price: 8_900 },
  { sku: "SK-CRM-50", name: "修护舒缓面霜 50g", category: "护肤", price: 32_900 },
  { sku: "SK-SUN-50", name: "清透防晒乳 SPF50+", category: "护肤", price: 19_900 },
  { sku: "SK-EYE-15", name: "抗初老眼霜 15g", category: "护肤", price: 49_900 },
  { sku: "MU-LIP-01", name: "丝绒哑光口红", category: "彩妆", price: 23_900 },
  { sku: "MU-FDT-30", name: "持妆粉底液 30ml", category: "彩妆", price: 35_900 },
  { sku: "MU-EYS-12", name: "大地色眼影盘", category: "彩妆", price: 42_900 },
  { sku: "FR-WOD-50", name: "木质调淡香水 50ml", category: "香氛", price: 68_000 },
  { sku: "BD-LOT-250", name: "玫瑰身体乳 250ml", category: "身体护理", price: 15_900 },
  { sku: "GF-SET-01", name: "精华礼盒套装", category: "礼盒", price: 128_000 },
];

const SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN = [
  "婷", "静", "敏", "丽", "娜", "洁", "颖", "倩", "雪", "琳", "欣怡", "雨涵", "梓萱", "诗涵", "思彤", "佳琪", "子涵", "梦瑶", "晓彤", "可馨",
  "若曦", "紫萱", "语嫣", "嘉怡", "一诺", "晨曦", "心怡", "艺涵", "雅琪", "秋月", "晓燕", "美玲", "春梅", "慧敏", "丹丹", "莉莉", "文静", "晶晶",
  "伟", "磊", "强", "浩然", "子轩", "宇航", "俊杰", "明轩", "一鸣", "博文", "思远", "志强",
];
/** The last given names of GIVEN are men's. */
const MALE_GIVEN = 12;
/** WeChat nicknames some customers use instead of their names. */
const NICKNAMES = ["小鹿乱撞", "Cici", "momo", "橘子汽水", "Luna", "一只猫", "Vivian", "晴天", "阿紫", "Yuki", "糖糖", "Amber", "栗子", "Coco", "夏天的风"];

/**
 * A WeChat display name: mostly a Chinese name, sometimes a nickname.
 *
 * @param random a uniform random source in [0, 1).
 * @returns the name.
 */
export function randomCustomerName(random: () => number = Math.random): string {
  if (random() < 0.12) {
    return NICKNAMES[Math.floor(random() * NICKNAMES.length)] ?? "微信用户";
  }
  const surname = SURNAMES[Math.floor(random() * SURNAMES.length)] ?? "王";
  // A beauty brand's customers: about one in ten is a man.
  const pool = random() < 0.1 ? GIVEN.slice(-MALE_GIVEN) : GIVEN.slice(0, -MALE_GIVEN);
  const given = pool[Math.floor(random() * pool.length)] ?? "婷";
  return `${surname}${given}`;
}

/**
 * @param name a customer's name.
 * @returns the gender WeChat would report for it (2 female by default: a beauty brand's customers).
 */
export function genderOf(name: string): 1 | 2 {
  const maleGiven = GIVEN.slice(-MALE_GIVEN);
  return maleGiven.some((given) => name.endsWith(given)) ? 1 : 2;
}
