/** How `dxledger monitor` prints key-recovery events (one line each, or JSON lines with --json). */
import type { KeyEvent } from "../services/key-monitor.ts";

export function keyReporter(json: boolean): (e: KeyEvent) => void {
  return (e) => {
    if (json) process.stdout.write(`${JSON.stringify(e)}\n`);
    else if (e.reason === "recovery proposed" && e.resolved) {
      process.stdout.write(
        `note  key recovery proposed (since ${e.resolved}): department ${e.department}, new signer ${e.newSigner}, proposed by ${e.proposer} (block ${e.block}, tx ${e.txHash})\n`,
      );
    } else if (e.reason === "recovery proposed") {
      process.stdout.write(
        `ALARM key recovery proposed: department ${e.department}, new signer ${e.newSigner}, executable at ${e.executableAt}, proposed by ${e.proposer} (block ${e.block}, tx ${e.txHash}) — if ${e.department} did not ask for it, cancel with \`dxledger department cancel-recovery\`\n`,
      );
    } else if (e.reason === "recovery executed") {
      process.stdout.write(
        `ALARM key recovery executed: department ${e.department}, signer ${e.oldSigner} replaced by ${e.newSigner} (block ${e.block}, tx ${e.txHash})\n`,
      );
    } else
      process.stdout.write(`note  key recovery cancelled: department ${e.department}, proposed signer ${e.newSigner} (block ${e.block}, tx ${e.txHash})\n`);
  };
}
