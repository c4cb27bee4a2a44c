// @ts-check
import js from "@eslint/js";
import importPlugin from "eslint-plugin-import";
import pluginVue from "eslint-plugin-vue";
import tseslint from "typescript-eslint";
import vueParser from "vue-eslint-parser";

// One-way imports (docs/style.md §2): models import nothing above them; commands and workers do
// not know HTTP; presenters only read model types; only server/wecom/client.ts speaks HTTP to WeCom.
// presenters/labels.ts imports nothing at run time, so every layer (and the front end) may read it.
const labels = ["./labels.ts"];
const layers = [
  { target: "./server/domain", from: ["./server/models", "./server/commands", "./server/routes", "./server/middlewares", "./server/presenters", "./server/workers", "./server/wecom"] },
  { target: "./server/models", from: ["./server/commands", "./server/routes", "./server/middlewares", "./server/workers", "./server/wecom"] },
  { target: "./server/models", from: "./server/presenters", except: labels },
  { target: "./server/commands", from: ["./server/routes", "./server/middlewares", "./server/workers"] },
  { target: "./server/commands", from: "./server/presenters", except: labels },
  { target: "./server/jobs", from: ["./server/routes", "./server/middlewares", "./server/workers"] },
  { target: "./server/jobs", from: "./server/presenters", except: labels },
  { target: "./server/workers", from: ["./server/routes", "./server/middlewares"] },
  { target: "./server/workers", from: "./server/presenters", except: labels },
  { target: "./server/presenters", from: ["./server/routes", "./server/middlewares", "./server/commands", "./server/workers", "./server/wecom"] },
  { target: "./server/wecom", from: ["./server/routes", "./server/middlewares", "./server/commands", "./server/workers", "./server/models", "./server/presenters"] },
  // The sandbox is WeCom's side of the world: only boot (main.ts) knows it exists.
  {
    target: ["./server/routes", "./server/commands", "./server/workers", "./server/jobs", "./server/models", "./server/domain", "./server/presenters", "./server/wecom", "./server/middlewares", "./server/security", "./server/db", "./server/logging", "./server/app.ts", "./server/env.ts", "./server/errors.ts"],
    from: "./server/sandbox",
  },
];

// The four front ends are separate pages: they share code only through src/shared, so one can
// change (or be dropped from a build) without breaking another.
const apps = ["./sidebar/src/sidebar", "./sidebar/src/console", "./sidebar/src/sandbox", "./sidebar/src/draw"];
const frontEnds = [
  ...apps.map((target) => ({ target, from: apps.filter((other) => other !== target), message: "Share front-end code through sidebar/src/shared." })),
  { target: "./sidebar/src/shared", from: apps, message: "src/shared must not depend on one of the apps." },
];

// What the browser may take from the server: the presenters' types (the shapes the API answers)
// and the labels module's values. Anything else would drag mongoose or Node into the bundle.
const serverImports = {
  patterns: [
    { group: ["**/server/**", "!@server/**"], message: "Import server code through @server/presenters/* (types only)." },
    { regex: "^@server/(?!presenters/)", message: "The front end may read only server/presenters." },
    { regex: "^@server/presenters/(?!labels$)", allowTypeImports: true, message: "Presenters are imported as types (`import type`); only labels is imported by value." },
  ],
};

const typescriptRules = {
  "@typescript-eslint/no-explicit-any": "error",
  "@typescript-eslint/consistent-type-imports": "error",
  "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
  curly: ["error", "all"],
  eqeqeq: ["error", "always"],
};

export default tseslint.config(
  { ignores: ["node_modules/**", ".data/**", ".cache/**", "dist/**", "sidebar/dist/**", "test-results/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs["flat/essential"],
  {
    files: ["**/*.ts"],
    plugins: { import: importPlugin },
    settings: { "import/resolver": { node: { extensions: [".ts", ".js", ".mjs"] } } },
    rules: {
      "import/no-restricted-paths": ["error", { zones: layers }],
      ...typescriptRules,
    },
  },
  {
    files: ["sidebar/src/**/*.ts", "sidebar/src/**/*.vue"],
    plugins: { import: importPlugin },
    languageOptions: {
      parser: vueParser,
      parserOptions: { parser: tseslint.parser, extraFileExtensions: [".vue"], sourceType: "module" },
    },
    settings: { "import/resolver": { node: { extensions: [".ts", ".js", ".vue"] } } },
    rules: {
      "import/no-restricted-paths": ["error", { zones: frontEnds }],
      "@typescript-eslint/no-restricted-imports": ["error", serverImports],
      ...typescriptRules,
      // vue-tsc checks names against the DOM and Vue's globals; ESLint's list would only repeat it.
      "no-undef": "off",
      // Components here are named by their files (NotFoundPage.vue, App.vue).
      "vue/multi-word-component-names": "off",
      "vue/no-unused-refs": "error",
      "vue/no-useless-template-attributes": "error",
      "vue/no-v-html": "error",
      "vue/require-explicit-emits": "error",
      "vue/block-lang": ["error", { script: { lang: "ts" } }],
      "vue/component-api-style": ["error", ["script-setup"]],
    },
  },
  {
    files: ["server/**/*.ts"],
    rules: {
      "no-console": "error",
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "axios", message: "Call WeCom through server/wecom/client.ts." }] },
      ],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through server/env.ts." },
      ],
    },
  },
  {
    // Runs in the browser too (imported by value from sidebar/src): plain data, no Node, no mongoose.
    files: ["server/presenters/labels.ts"],
    rules: { "@typescript-eslint/no-restricted-imports": ["error", { patterns: [{ regex: ".*", allowTypeImports: true, message: "labels.ts is loaded by the browser: type imports only." }] }] },
  },
  {
    files: ["server/wecom/client.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    files: ["server/env.ts", "server/db/embeddedMongo.ts"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    files: ["scripts/**/*.mjs", "bench/**/*.ts"],
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
  },
);
