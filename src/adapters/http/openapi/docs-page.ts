/**
 * The interactive reference at /docs: Swagger UI from the npm package
 * swagger-ui-dist, served by the service itself (no CDN, no remote font).
 *
 * Contract: the page MUST run under DOCS_CSP — scripts and styles from
 * 'self' only, so the initialiser is a file of its own, never inline; the
 * only request the page makes is for /openapi.json (and, with "Try it out",
 * to this API).
 */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { DocsAssetName } from "../../../api/operations/meta.ts";

const dist = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

/** Starts Swagger UI on the document; validatorUrl null: nothing is sent to a remote validator. */
const INIT = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true, validatorUrl: null, tryItOutEnabled: false });
});
`;

/** File name under /docs/ → a file of swagger-ui-dist, or the initialiser's text. */
export const DOCS_ASSETS: Readonly<Record<DocsAssetName, { readonly type: string; readonly file?: string; readonly text?: string }>> = {
  "swagger-ui-bundle.js": { type: "text/javascript; charset=utf-8", file: join(dist, "swagger-ui-bundle.js") },
  "swagger-ui.css": { type: "text/css; charset=utf-8", file: join(dist, "swagger-ui.css") },
  "init.js": { type: "text/javascript; charset=utf-8", text: INIT },
  "favicon-32x32.png": { type: "image/png", file: join(dist, "favicon-32x32.png") },
};

export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join("; ");

export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dxledger HTTP API</title>
<link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;
