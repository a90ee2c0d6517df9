/** The document itself and its interactive reference (docs-routes.ts). */
import { z } from "zod";
import type { Operation } from "../operation.ts";

/** The files of the reference page under /docs/ (adapters/http/openapi/docs-page.ts serves them). */
export const DOCS_ASSET_NAMES = ["swagger-ui-bundle.js", "swagger-ui.css", "init.js", "favicon-32x32.png"] as const;
export type DocsAssetName = (typeof DOCS_ASSET_NAMES)[number];

export const META_OPERATIONS = [
  {
    method: "get",
    path: "/openapi.json",
    id: "openapi",
    tag: "meta",
    summary: "This document (OpenAPI 3.1)",
    who: "anyone",
    ok: [{ status: 200, description: "the OpenAPI document", schema: z.record(z.string(), z.unknown()) }],
  },
  {
    method: "get",
    path: "/docs",
    id: "docs",
    tag: "meta",
    summary: "Interactive API reference (Swagger UI, served from npm assets)",
    who: "anyone",
    ok: [{ status: 200, description: "HTML page", media: { "text/html": {} } }],
  },
  {
    method: "get",
    path: "/docs/{asset}",
    id: "docsAsset",
    tag: "meta",
    summary: "A script, stylesheet or icon of the reference page",
    who: "anyone",
    pathParams: { asset: { schema: z.string(), description: `file name: ${DOCS_ASSET_NAMES.join(", ")} (404 for any other)` } },
    ok: [{ status: 200, description: "the file", media: { "text/javascript": {}, "text/css": {}, "image/png": {} } }],
    errors: [404],
  },
  {
    method: "get",
    path: "/metrics",
    id: "metrics",
    tag: "meta",
    summary: "Prometheus metrics (text exposition format)",
    who: ["admin"],
    description: 'Also readable with the scrape-only token METRICS_TOKEN, which opens /metrics and nothing else (docs/operators.md "Metrics and logs").',
    ok: [{ status: 200, description: "every metric, as Prometheus scrapes it", media: { "text/plain": {} } }],
  },
] as const satisfies readonly Operation[];
