/**
 * PUBLIC_URL in the log directory: at start, a gateway whose log's on-chain
 * URL differs from PUBLIC_URL updates it — when its anchoring account is the
 * log's anchorer (the contract lets the anchorer edit its own log's entry) —
 * in one transaction through the client's queue, and logs it; otherwise it
 * warns and says who can. The name is set with it (the one the log id is
 * derived from); the operator department is kept as the chain has it.
 * MUST NOT throw: a gateway runs the same without its directory entry.
 */
import type { AddressInfo } from "node:net";
import type { Logger } from "../http/errors.ts";
import type { LedgerClient } from "./ledger-client.ts";
import { ChainLogDirectory } from "./log-directory.ts";

export async function publishPublicUrl(client: LedgerClient, logId: string, logName: string, url: string, log: Logger, waitMs = 120_000): Promise<void> {
  try {
    const cur = await new ChainLogDirectory(client.contract).entry(logId);
    if (cur.url === url && cur.name === logName) return;
    const me = client.wallet?.address.toLowerCase();
    if (!me || cur.anchorer !== me) {
      log.warn(
        "PUBLIC_URL differs from the log's URL in the directory, and this gateway's account is not the log's anchorer: the admin sets it (dxledger chain set-log-info)",
        { publicUrl: url, onChain: cur.url, anchorer: cur.anchorer },
      );
      return;
    }
    const txHash = await client.setLogInfo(logId, logName, url, cur.operator, { deadline: Date.now() + waitMs });
    log.info("this log's name and URL published in the log directory on chain", { url, previous: cur.url, txHash });
  } catch (e) {
    log.warn("could not publish PUBLIC_URL in the log directory on chain", {
      publicUrl: url,
      error: (e instanceof Error ? e.message : String(e)).slice(0, 300),
    });
  }
}

/** Where this process can be reached over HTTP on this host: its listening address, a wildcard one as loopback. */
export function loopbackUrlOf(addr: AddressInfo): string {
  const ip = addr.address === "0.0.0.0" ? "127.0.0.1" : addr.address === "::" ? "::1" : addr.address;
  return `http://${ip.includes(":") ? `[${ip}]` : ip}:${addr.port}`;
}
