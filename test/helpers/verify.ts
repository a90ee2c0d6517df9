/** Tests verify receipts as an auditor does: with @dxledger/verify, against an RPC, with optional pins. */
import { verifyReceipt as verify, type Pins, type Verdict } from "@dxledger/verify";

export function verifyReceipt(receipt: unknown, rpcUrl: string, pins: Pins = {}): Promise<Verdict> {
  return verify(receipt, { rpcUrl, pins });
}

/** The check of one step. */
export function stepOf(v: Verdict, step: Verdict["checks"][number]["step"]) {
  return v.checks.find((c) => c.step === step)!;
}
