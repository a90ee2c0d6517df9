/**
 * Calls `onChange` when the file at `path` may have changed: fs.watch on its
 * folder (an editor or a secret manager often replaces a file by renaming a
 * new one over it, which a watch on the file itself would lose), filtered by
 * the file's name, and debounced by `debounceMs` so that one save, however
 * many events it makes, is one call. `close()` stops watching.
 */
import { watch } from "node:fs";
import { basename, dirname } from "node:path";

export function watchFile(path: string, onChange: () => void, debounceMs = 200): { close(): void } {
  const name = basename(path);
  let timer: NodeJS.Timeout | undefined;
  const w = watch(dirname(path), { persistent: false }, (_event, file) => {
    if (file !== null && file !== name) return;
    clearTimeout(timer);
    timer = setTimeout(onChange, debounceMs);
  });
  // A watch that fails later (the folder removed) leaves the tokens as they are; SIGHUP still reloads.
  w.on("error", () => undefined);
  return {
    close() {
      clearTimeout(timer);
      w.close();
    },
  };
}
