/**
 * A free TCP port on 127.0.0.1 for a process that binds it next (an Anvil,
 * a test service). Picked below the kernel's ephemeral range, so no outgoing
 * connection can take it between the check and the bind (a port the kernel
 * hands out with listen(0) is from that range, where a busy load generator's
 * sockets may land on it first: "Address already in use").
 */
import { readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";

const LOWEST = 10_000;

/** The first port of the kernel's ephemeral range (Linux), else the IANA range's. */
function ephemeralStart(): number {
  try {
    const lo = Number(readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]);
    return Number.isInteger(lo) ? lo : 49_152;
  } catch {
    return 49_152;
  }
}

function tryBind(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once("error", () => resolve(undefined));
    srv.listen(port, "127.0.0.1", () => {
      const bound = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(bound));
    });
  });
}

/** A port that was free a moment ago, below the ephemeral range when one is free there; else one the kernel chooses. */
export async function freeLoopbackPort(): Promise<number> {
  const top = ephemeralStart();
  // A kernel whose ephemeral range starts this low leaves no room below it: let the kernel choose.
  for (let i = 0; top > LOWEST + 1_000 && i < 50; i++) {
    const port = await tryBind(LOWEST + Math.floor(Math.random() * (top - LOWEST)));
    if (port !== undefined) return port;
  }
  const any = await tryBind(0);
  if (any === undefined) throw new Error("no free loopback port");
  return any;
}
