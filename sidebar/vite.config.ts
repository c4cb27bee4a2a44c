import path from "node:path";
import { fileURLToPath } from "node:url";
import { VantResolver } from "@vant/auto-import-resolver";
import vue from "@vitejs/plugin-vue";
import Components from "unplugin-vue-components/vite";
import { ElementPlusResolver } from "unplugin-vue-components/resolvers";
import { defineConfig } from "vite";

const root = path.dirname(fileURLToPath(import.meta.url));

// Pages from one project: the narrow chat sidebar (Vant), the desktop console (Element Plus) and
// the sandbox. Components are imported on demand so the sidebar's first screen stays small.
// @server/presenters is the server's answer shapes: the pages import its types, and only
// labels.ts by value (eslint.config.js enforces both).
export default defineConfig({
  root,
  base: "/",
  plugins: [vue(), Components({ dts: false, resolvers: [VantResolver(), ElementPlusResolver({ importStyle: "css" })] })],
  resolve: { alias: { "@shared": path.join(root, "src", "shared"), "@server/presenters": path.join(root, "..", "server", "presenters") } },
  build: {
    outDir: path.join(root, "dist"),
    emptyOutDir: true,
    rollupOptions: {
      input: { sidebar: path.join(root, "sidebar", "index.html"), console: path.join(root, "console", "index.html"), sandbox: path.join(root, "sandbox", "index.html"), draw: path.join(root, "draw", "index.html") },
    },
  },
  server: {
    port: 5173,
    proxy: { "/api": "http://127.0.0.1:3000", "/sandbox/api": "http://127.0.0.1:3000", "/sandbox/oauth": "http://127.0.0.1:3000" },
  },
});
