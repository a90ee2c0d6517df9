/** Resolves on the first SIGINT or SIGTERM, saying which: long-running commands (serve, hub) then shut down. */
export function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const onSignal = (sig: string) => {
      process.stdout.write(`received ${sig}, shutting down\n`);
      resolve();
    };
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
  });
}
