import { defineConfig } from "vite";

// The console is served by the API itself at "/" (src/tourroute/console/router.py), so the
// build goes into the Python package. `npm run dev` proxies the API to a local server.
export default defineConfig({
  base: "/",
  build: {
    outDir: "../tourroute/console/static",
    emptyOutDir: true,
    assetsDir: "assets",
    chunkSizeWarningLimit: 1200,
    target: "es2020",
  },
  server: {
    proxy: {
      "/v1": "http://127.0.0.1:8000",
      "/console-config.json": "http://127.0.0.1:8000",
      "/console-whoami.json": "http://127.0.0.1:8000",
    },
  },
});
