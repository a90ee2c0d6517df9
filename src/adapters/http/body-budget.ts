/**
 * Bounds the request body bytes in flight across all requests. A request
 * that may carry a body reserves its Content-Length (a chunked body, whose
 * length is unknown, reserves the largest body any route takes) before any
 * byte is read, and gives it back when its response is done or its
 * connection closes. Over `budgetBytes` → 503 OVERLOADED with Retry-After,
 * before the body is read. When nothing is in flight one request is always
 * let in, however large, so no body is refused forever (the route's own
 * limit still answers 413). MUST run after the token check and before any
 * body parser.
 */
import type { RequestHandler } from "express";
import { LedgerError } from "../../core/errors.ts";

export class BodyBudget {
  readonly budgetBytes: number;
  readonly #maxBody: number;
  #inFlight = 0;

  /** `maxBody`: the largest body any route accepts (what a chunked body reserves). */
  constructor(budgetBytes: number, maxBody: number) {
    this.budgetBytes = budgetBytes;
    this.#maxBody = maxBody;
  }

  /** Body bytes reserved by requests in flight now. */
  get inFlight(): number {
    return this.#inFlight;
  }

  middleware(): RequestHandler {
    return (req, res, next) => {
      const len = req.headers["content-length"];
      const chunked = req.headers["transfer-encoding"] !== undefined;
      if (!chunked && (len === undefined || len === "0")) {
        next();
        return;
      }
      const n = Number(len);
      // The route's parser refuses more than its limit before reading: reserving more would only starve others.
      const want = chunked || !Number.isSafeInteger(n) ? this.#maxBody : Math.min(n, this.#maxBody);
      if (this.#inFlight > 0 && this.#inFlight + want > this.budgetBytes) {
        next(
          new LedgerError("OVERLOADED", `too many request bytes in flight (${this.#inFlight} of ${this.budgetBytes}); retry shortly`, {
            inFlightBytes: this.#inFlight,
            budgetBytes: this.budgetBytes,
          }),
        );
        return;
      }
      this.#inFlight += want;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        this.#inFlight -= want;
      };
      res.once("finish", release);
      res.once("close", release);
      next();
    };
  }
}
