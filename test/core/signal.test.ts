/** The composition root's one wiring mechanism (src/core/signal.ts): order, timing and failure as its contract says. */
import { expect } from "chai";
import { Signal } from "../../src/core/signal.ts";

describe("Signal", () => {
  it("an emit before anyone listens tells no one and is not replayed", async () => {
    const s = new Signal<number>();
    await s.emit(1);
    const heard: number[] = [];
    s.listen((v) => {
      heard.push(v);
    });
    await s.emit(2);
    expect(heard).to.deep.equal([2]);
  });

  it("a synchronous listener has run when emit returns, before its promise settles", () => {
    const s = new Signal<string>();
    const heard: string[] = [];
    s.listen((v) => {
      heard.push(v);
    });
    void s.emit("now");
    expect(heard).to.deep.equal(["now"]);
  });

  it("listeners run in the order they subscribed, each awaited before the next", async () => {
    const s = new Signal<number>();
    const steps: string[] = [];
    let release = () => {};
    const held = new Promise<void>((r) => (release = r));
    s.listen(async (v) => {
      steps.push(`first ${v} starts`);
      await held;
      steps.push(`first ${v} ends`);
    });
    s.listen((v) => {
      steps.push(`second ${v}`);
    });
    const done = s.emit(7);
    expect(steps).to.deep.equal(["first 7 starts"]);
    release();
    await done;
    expect(steps).to.deep.equal(["first 7 starts", "first 7 ends", "second 7"]);
  });

  it("a listener's failure rejects emit, and the listeners after it are not called", async () => {
    const s = new Signal<number>();
    const heard: number[] = [];
    s.listen(() => Promise.reject(new Error("refused")));
    s.listen((v) => {
      heard.push(v);
    });
    const outcome = await s.emit(3).then(
      () => "resolved",
      (e: unknown) => (e as Error).message,
    );
    expect(outcome).to.equal("refused");
    expect(heard).to.deep.equal([]);
  });
});
