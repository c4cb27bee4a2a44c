// The console (desktop, Element Plus). Components come in on demand through the resolver in
// vite.config.ts; the message services are called from code, so their styles are imported here.
import { createApp } from "vue";
import "element-plus/es/components/message/style/css";
import "element-plus/es/components/message-box/style/css";
import App from "./App.vue";
import { router } from "./router";
import "./layout/console.css";

createApp(App).use(router).mount("#app");
