// @ts-check
import js from "@eslint/js";
import importPlugin from "eslint-plugin-import";
import tseslint from "typescript-eslint";

// One-way imports (docs/style.md §2): models import nothing above them; commands and workers do
// not know HTTP; presenters only read model types; only server/wecom/client.ts speaks HTTP to WeCom.
const layers = [
  { target: "./server/domain", from: ["./server/models", "./server/commands", "./server/routes", "./server/middlewares", "./server/presenters", "./server/workers", "./server/wecom"] },
  { target: "./server/models", from: ["./server/commands", "./server/routes", "./server/middlewares", "./server/presenters", "./server/workers", "./server/wecom"] },
  { target: "./server/commands", from: ["./server/routes", "./server/middlewares", "./server/presenters", "./server/workers"] },
  { target: "./server/jobs", from: ["./server/routes", "./server/middlewares", "./server/presenters", "./server/workers"] },
  { target: "./server/workers", from: ["./server/routes", "./server/middlewares", "./server/presenters"] },
  { target: "./server/presenters", from: ["./server/routes", "./server/middlewares", "./server/commands", "./server/workers", "./server/wecom"] },
  { target: "./server/wecom", from: ["./server/routes", "./server/middlewares", "./server/commands", "./server/workers", "./server/models", "./server/presenters"] },
  // The sandbox is WeCom's side of the world: only boot (main.ts) knows it exists.
  {
    target: ["./server/routes", "./server/commands", "./server/workers", "./server/jobs", "./server/models", "./server/domain", "./server/presenters", "./server/wecom", "./server/middlewares", "./server/security", "./server/db", "./server/logging", "./server/app.ts", "./server/env.ts", "./server/errors.ts"],
    from: "./server/sandbox",
  },
];

export default tseslint.config(
  { ignores: ["node_modules/**", ".data/**", ".cache/**", "dist/**", "sidebar/dist/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.ts"],
    plugins: { import: importPlugin },
    settings: { "import/resolver": { node: { extensions: [".ts", ".js", ".mjs"] } } },
    rules: {
      "import/no-restricted-paths": ["error", { zones: layers }],
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      curly: ["error", "all"],
      eqeqeq: ["error", "always"],
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
