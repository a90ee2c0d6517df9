/**
 * The service's shutdown order, in one place. `startService` registers what
 * each step does as it creates the thing the step stops; `run` always goes in
 * SHUTDOWN_STEPS order, whatever was registered (a start that failed half-way
 * unwinds only what exists). Each step is bounded by its own code; a failing
 * step is reported and the next one runs.
 *
 * Why this order: nothing new is accepted before anything closes; every
 * request in flight is answered (its entries durable) before the appender
 * drains; the anchorer stops before the last anchor so the two never race;
 * nothing talks to the chain after the final anchor, so the chain client and
 * then the embedded chain (which writes its state on exit) close before the
 * store, which closes last because everything above may still read it.
 * test/e2e/shutdown-order.test.ts checks a real service stops in this order.
 */
export const SHUTDOWN_STEPS = [
  "refuse new requests",
  "close the listener",
  "drain the appender",
  "stop the anchorer",
  "final anchor",
  "stop signer workers",
  "stop the registry",
  "close the chain client",
  "stop the embedded chain",
  "close the store",
] as const;

export type ShutdownStep = (typeof SHUTDOWN_STEPS)[number];

export class Shutdown {
  readonly #steps = new Map<ShutdownStep, () => Promise<void> | void>();
  readonly #onStep: (step: ShutdownStep) => void;
  #running: Promise<void> | undefined;

  /** `onStep`: told of each step as it starts (tests, logs). */
  constructor(onStep: (step: ShutdownStep) => void = () => {}) {
    this.#onStep = onStep;
  }

  /** What `step` does. Each step MUST be registered at most once. */
  add(step: ShutdownStep, f: () => Promise<void> | void): void {
    if (this.#steps.has(step)) throw new Error(`shutdown step "${step}" registered twice`);
    this.#steps.set(step, f);
  }

  /** Runs every registered step once, in SHUTDOWN_STEPS order; later calls wait for the same run. */
  run(report: (step: ShutdownStep, e: unknown) => void = () => {}): Promise<void> {
    this.#running ??= (async () => {
      for (const step of SHUTDOWN_STEPS) {
        const f = this.#steps.get(step);
        if (!f) continue;
        this.#onStep(step);
        try {
          await f();
        } catch (e) {
          report(step, e);
        }
      }
    })();
    return this.#running;
  }
}
