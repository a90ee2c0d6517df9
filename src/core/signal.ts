/**
 * One part telling another that something happened, typed: the one way the
 * composition root (src/server.ts) wires a part to a part built after it.
 * The signal is declared before both; the sender is built with `emit`, the
 * listener subscribes with `listen` where it is built. Until then an emit
 * tells no one (what happened before the listener existed is not replayed).
 *
 * `emit` calls the listeners in the order they subscribed, each awaited
 * before the next; the first is called before `emit` returns, so a
 * synchronous listener has run when it does. A listener's failure rejects
 * `emit` and the listeners after it are not called: the sender decides what
 * a failure means.
 */
export class Signal<T> {
  readonly #listeners: Array<(value: T) => void | Promise<void>> = [];

  /** `listener` hears every later `emit`. */
  listen(listener: (value: T) => void | Promise<void>): void {
    this.#listeners.push(listener);
  }

  async emit(value: T): Promise<void> {
    for (const listener of this.#listeners) await listener(value);
  }
}
