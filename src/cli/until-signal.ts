/**
 * Resolves on the first SIGINT or SIGTERM, saying which: long-running commands
 * (serve, hub) then shut down. Contract: from the first call on, every later
 * SIGINT/SIGTERM is absorbed (a pipeline's Ctrl-C reaches the process from the
 * terminal and again from `npm start`), so a second signal cannot kill the
 * process half-way through its shutdown steps; each step is bounded by itself.
 */
export function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    let received: string | undefined;
    const onSignal = (sig: string) => {
      if (received) return;
      received = sig;
      process.stdout.write(`received ${sig}, shutting down\n`);
      resolve();
    };
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
  });
}
