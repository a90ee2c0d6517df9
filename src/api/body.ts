/** Request-body validation shared by the admin and department routes (zod → VALIDATION_FAILED). */
import { z } from "zod";
import { LedgerError } from "../core/errors.ts";
import { zodDetails } from "../core/zod-details.ts";

export const address = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be an address: 0x + 40 hex digits")
  .refine((a) => !/^0x0{40}$/.test(a), "must not be the zero address");

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? undefined);
  if (!r.success) {
    const details = zodDetails(r.error);
    throw new LedgerError("VALIDATION_FAILED", `invalid body: ${details[0]!.path} ${details[0]!.message}`, details);
  }
  return r.data;
}
