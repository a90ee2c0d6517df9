/**
 * Output that never ends the process. A service run into a pipe (`npm start |
 * tee log`) or under a service manager loses its reader on Ctrl-C or when the
 * reader restarts; Node then emits EPIPE as an 'error' event on stdout/stderr,
 * which ends the process unless someone listens.
 *
 * Contract: after `guardStdio()`, a write error on stdout or stderr is
 * swallowed and every later write to that stream is dropped (its callback still
 * called), so the process runs on and its shutdown runs all its steps.
 */
export function guardStdio(): void {
  for (const s of [process.stdout, process.stderr]) {
    s.on("error", () => {
      dropWrites(s);
    });
  }
}

function dropWrites(s: NodeJS.WriteStream): void {
  s.write = (_chunk: unknown, enc?: unknown, cb?: unknown) => {
    const done = typeof enc === "function" ? enc : cb;
    if (typeof done === "function") queueMicrotask(() => (done as () => void)());
    return true;
  };
}
