/**
 * GET /openapi.json (the OpenAPI 3.1 document, generated from the declared
 * operations: openapi/document.ts) and GET /docs (Swagger UI on it, from npm
 * assets: openapi/docs-page.ts). Public: they describe the API, they hold no
 * data. Cacheable for a while; both change only with the code.
 */
import { createHash } from "node:crypto";
import { Router, type Response } from "express";
import { LedgerError } from "../../core/errors.ts";
import { OPS } from "../../api/index.ts";
import type { TokenAdmin } from "../../ports/api/tokens.ts";
import { openApiDocument } from "./openapi/document.ts";
import { DOCS_ASSETS, DOCS_CSP, DOCS_HTML } from "./openapi/docs-page.ts";
import { mount } from "./mount.ts";

const CACHE = "public, max-age=300";

export function docsRoutes(tokens: TokenAdmin): Router {
  const r = Router();
  const text = JSON.stringify(openApiDocument());
  const etag = `"${createHash("sha256").update(text).digest("base64url").slice(0, 27)}"`;
  const page = (res: Response) => {
    res.setHeader("Content-Security-Policy", DOCS_CSP);
    res.setHeader("Referrer-Policy", "no-referrer");
    res.setHeader("Cache-Control", CACHE);
  };

  mount(r, tokens, OPS.openapi, ({ req, res }) => {
    res.setHeader("Cache-Control", CACHE);
    res.setHeader("ETag", etag);
    if (req.get("if-none-match") === etag) return void res.status(304).end();
    res.type("application/json; charset=utf-8").send(text);
  });
  mount(r, tokens, OPS.docs, ({ res }) => {
    page(res);
    res.type("text/html; charset=utf-8").send(DOCS_HTML);
  });
  mount(r, tokens, OPS.docsAsset, ({ params, res }) => {
    const a = Object.entries(DOCS_ASSETS).find(([name]) => name === params.asset)?.[1];
    if (!a) throw new LedgerError("NOT_FOUND", `no file ${params.asset} in /docs`);
    page(res);
    res.type(a.type);
    if (a.text !== undefined) return void res.send(a.text);
    res.sendFile(a.file!);
  });
  return r;
}
