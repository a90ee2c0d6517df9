/** A zod error as the SPEC error shape's `details`: one { path, message } per issue. */
import type { ZodError } from "zod";

export function zodDetails(err: ZodError, prefix: Array<string | number> = []): Array<{ path: string; message: string }> {
  return err.issues.map((i) => ({
    path: [...prefix, ...i.path].map(String).join(".") || "(body)",
    message: i.message,
  }));
}
