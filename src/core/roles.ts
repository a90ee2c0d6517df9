/** Who a caller is: the roles an API token carries (SPEC §4) and the principal a request runs as. */
import { z } from "zod";
import { DEPARTMENT_ID } from "./record.ts";

export type Role = "admin" | "auditor" | "regulator" | `department:${string}`;

export const roleSchema = z
  .string()
  .refine(
    (r) => r === "admin" || r === "auditor" || r === "regulator" || (r.startsWith("department:") && DEPARTMENT_ID.test(r.slice(11))),
    "must be admin, auditor, regulator or department:<id>",
  );

/** Longest lifetime a token may be given (ten years). */
export const MAX_TTL_SECONDS = 10 * 366 * 24 * 3600;

export interface Principal {
  readonly tokenId: string;
  readonly role: Role;
}

/** Department of a `department:<id>` role, else undefined. */
export const departmentOf = (role: Role): string | undefined => (role.startsWith("department:") ? role.slice("department:".length) : undefined);
