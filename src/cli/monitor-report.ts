/** How `dxledger monitor` prints key-recovery events (one line each, or JSON lines with --json), and the watch loop both modes share. */
import type { LedgerClient } from "../adapters/chain/ledger-client.ts";
import { recoveryEvents } from "../adapters/chain/department-keys.ts";
import { KeyMonitor, type KeyEvent } from "../services/audit/key-monitor.ts";

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

/**
 * Polls `pollOwn` (which prints its events and returns how many were alarms)
 * and the department keys on `client` every `interval` ms. With `once`: one
 * round, then 0 if all is well, 1 on any alarm or a key recovery that needs
 * attention (pending now, or executed at or after `sinceBlock`).
 */
export async function watchWithKeys(
  client: LedgerClient,
  o: { readonly json: boolean; readonly once: boolean; readonly interval: number; readonly sinceBlock: number },
  pollOwn: () => Promise<number>,
): Promise<number> {
  const keys = new KeyMonitor({ blockNumber: () => client.blockNumber(), recoveryEvents: (from, to) => recoveryEvents(client, from, to) }, o.sinceBlock);
  const reportKey = keyReporter(o.json);
  let alarms = 0;
  for (;;) {
    alarms += await pollOwn();
    (await keys.poll()).forEach(reportKey);
    if (o.once) {
      for (const [dep, signer] of keys.pending) if (!o.json) process.stdout.write(`PENDING key recovery of ${dep} to ${signer}\n`);
      return alarms || keys.attention ? 1 : 0;
    }
    await new Promise((r) => setTimeout(r, o.interval));
  }
}
