// The console's build: web/ → web/dist (served at `/` by src/adapters/http/console.ts).
// Everything comes from npm packages; the output makes no request off the machine
// and holds no inline script or style (the console's CSP allows 'self' only).
import { join } from "node:path";
import { defineConfig } from "vite";

export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  resolve: {
    // The verifier from its sources (the same ones packages/verify/dist is compiled from), so the
    // console does not depend on that build's output being present while it bundles.
    alias: { "@dxledger/verify": join(import.meta.dirname, "..", "packages", "verify", "src", "index.ts") },
  },
  logLevel: "warn",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 1500,
    reportCompressedSize: false,
  },
});
