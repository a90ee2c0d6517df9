/**
 * Zod → JSON Schema 2020-12 (the dialect of OpenAPI 3.1), with Zod 4's own
 * `z.toJSONSchema`: the schemas the routes validate with are the document's.
 *
 * Two adjustments, both MUST keep the output a description of what the
 * schema accepts (request side, `io: "input"`) or produces (`io: "output"`):
 * - A validation pipe (`wellFormed.pipe(z.string().regex(…))`, `single.pipe(z.enum(…))`)
 *   is shown by Zod on its input side only; its output side's constraints
 *   (pattern, enum, bounds) are merged in, so ids show their patterns.
 *   A pipe into a transform is left as Zod renders it.
 * - `$schema` and `$id` are dropped: a component lives inside the document.
 */
import { z } from "zod";

export type Io = "input" | "output";
export type JsonSchema = Record<string, unknown>;

/** Keywords an output-side string/number/enum schema may add to the input side. */
const MERGED = ["pattern", "enum", "const", "minLength", "maxLength", "minimum", "maximum", "format"] as const;

function override(io: Io) {
  return (ctx: { zodSchema: unknown; jsonSchema: JsonSchema }) => {
    const def = (ctx.zodSchema as { _zod: { def: { type: string; in?: z.ZodType; out?: z.ZodType } } })._zod.def;
    if (io !== "input" || def.type !== "pipe" || !def.out) return;
    if ((def.out as unknown as { _zod: { traits: Set<string> } })._zod.traits.has("$ZodTransform")) return;
    const out = toJsonSchema(def.out, io);
    if (out.type !== undefined && ctx.jsonSchema.type !== undefined && out.type !== ctx.jsonSchema.type) return;
    for (const k of MERGED) if (out[k] !== undefined && ctx.jsonSchema[k] === undefined) ctx.jsonSchema[k] = out[k];
  };
}

const strip = (s: JsonSchema): JsonSchema => {
  const { $schema: _s, $id: _i, ...rest } = s;
  return rest;
};

/** One schema, inline. */
export function toJsonSchema(schema: z.core.$ZodType, io: Io): JsonSchema {
  return strip(z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any", override: override(io) }));
}

/**
 * Named schemas as OpenAPI components: each one that another names is a
 * `$ref` to `#/components/schemas/<name>`.
 */
export function toComponents(named: Readonly<Record<string, z.ZodType>>, io: Io): Record<string, JsonSchema> {
  const reg = z.registry<{ id: string }>();
  for (const [id, s] of Object.entries(named)) reg.add(s, { id });
  const out = z.toJSONSchema(reg, {
    target: "draft-2020-12",
    io,
    unrepresentable: "any",
    override: override(io),
    uri: (id) => `#/components/schemas/${id}`,
  }) as { schemas: Record<string, JsonSchema> };
  return Object.fromEntries(Object.entries(out.schemas).map(([k, v]) => [k, strip(v)]));
}
