/**
 * Why `signal` aborted, as an Error: its reason (AbortSignal.timeout and abort() give a DOMException,
 * an Error), else one naming `what`. Every signal raced here is an AbortSignal.timeout.
 */
function abortReason(signal: AbortSignal, what: string): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new Error(`${what}: aborted`);
}

/** Races a promise against an AbortSignal: whatever does not honour the signal itself is still cut off by it. */
export function deadline<T>(p: Promise<T>, signal: AbortSignal, what: string): Promise<T> {
  if (signal.aborted) return Promise.reject(abortReason(signal, what));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal, what));
    signal.addEventListener("abort", onAbort, { once: true });
    p.finally(() => signal.removeEventListener("abort", onAbort)).then(resolve, reject);
  });
}
