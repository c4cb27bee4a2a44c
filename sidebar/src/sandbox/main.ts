// The local WeCom sandbox page (docs/sandbox.md): desktop, Element Plus components on demand.
import { createApp } from "vue";
import App from "./App.vue";
import "./sandbox.css";

createApp(App).mount("#app");
