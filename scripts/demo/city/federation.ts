/**
 * The demo with several gateways (`--gateways N`): one Anvil (its own
 * process, in memory), one ExchangeLedger, N gateways started in this
 * process through the code `dxledger serve` runs — each with its own log,
 * data dir (under the demo's), port and anchoring account (an Anvil dev
 * account bound to its log and listed in the chain's directory with its URL)
 * — and the hub, finding them in the directory. Stopped in reverse order.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Contract, HDNodeWallet, Wallet, type ContractTransactionResponse } from "ethers";
import { freeLoopbackPort } from "../../../src/adapters/chain/loopback-port.ts";
import { ANVIL_DEV_KEY, runAnvil } from "../../../src/adapters/chain/anvil.ts";
import { ledgerArtifact } from "../../../src/adapters/chain/artifact.ts";
import { LedgerClient, makeProvider } from "../../../src/adapters/chain/ledger-client.ts";
import { loadConfig, logIdOf } from "../../../src/config.ts";
import { createLogger } from "../../../src/logger.ts";
import { startService, type RunningService } from "../../../src/server.ts";
import { loadHubConfig } from "../../../src/hub/config.ts";
import { startHub, type RunningHub } from "../../../src/hub/server.ts";
import { call } from "./http.ts";
import type { DemoOptions } from "./options.ts";

/** Anvil's public dev mnemonic (local use only): account 0 is the admin, account i anchors gateway i. */
const MNEMONIC = "test test test test test test test test test test test junk";
const devKey = (i: number) => (i === 0 ? ANVIL_DEV_KEY : HDNodeWallet.fromPhrase(MNEMONIC, undefined, `m/44'/60'/0'/0/${i}`).privateKey);

/** How `host` is written in a URL others can call: a wildcard address as loopback, IPv6 in brackets. */
export function urlHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

export const gatewayName = (i: number) => (i === 0 ? "city-hall" : `district-gw-${i}`);

export interface DemoGateway {
  readonly name: string;
  readonly url: string;
  readonly adminToken: string;
  readonly svc: RunningService;
}

export interface DemoFederation {
  readonly rpcUrl: string;
  readonly chainPort: number;
  readonly ledger: string;
  readonly gateways: DemoGateway[];
  stop: () => Promise<void>;
}

export async function startDemoFederation(o: DemoOptions, dataDir: string, n: number): Promise<DemoFederation> {
  const chainPort = o.chainPort ?? (await freeLoopbackPort());
  const chain = await runAnvil([], chainPort, 30_000, "demo federation chain (in memory)");
  const started: RunningService[] = [];
  try {
    const ports = [o.port === 0 ? await freeLoopbackPort() : o.port];
    for (let i = 1; i < n; i++) ports.push(await freeLoopbackPort());
    const names = Array.from({ length: n }, (_, i) => gatewayName(i));
    // Gateway 0 anchors with the admin account, which sends nothing once the setup below is mined.
    const { address: ledger } = await LedgerClient.deploy(chain.rpcUrl, ANVIL_DEV_KEY, logIdOf(names[0]!));
    const provider = makeProvider(chain.rpcUrl);
    try {
      const c = new Contract(ledger, ledgerArtifact().abi as never[], new Wallet(ANVIL_DEV_KEY, provider));
      const registrar = (await c.getFunction("REGISTRAR_ROLE")()) as string;
      const send = async (tx: Promise<unknown>) => (await (tx as Promise<ContractTransactionResponse>)).wait();
      for (let i = 1; i < n; i++) {
        const anchorer = new Wallet(devKey(i)).address;
        await send(c.getFunction("bindLog")(logIdOf(names[i]!), anchorer));
        await send(c.getFunction("grantRole")(registrar, anchorer));
      }
      for (let i = 0; i < n; i++) await send(c.getFunction("setLogInfo")(logIdOf(names[i]!), names[i], `http://${urlHost(o.host)}:${ports[i]}`, ""));
    } finally {
      provider.destroy();
    }
    const gateways: DemoGateway[] = [];
    for (let i = 0; i < n; i++) {
      const dir = join(dataDir, names[i]!);
      mkdirSync(dir, { recursive: true });
      const adminToken = `demo-admin-${randomBytes(16).toString("hex")}`;
      const config = loadConfig({
        DATA_DIR: dir,
        HOST: o.host,
        PORT: String(ports[i]),
        RPC_URL: chain.rpcUrl,
        LEDGER_ADDRESS: ledger,
        LOG_NAME: names[i],
        ANCHOR_PRIVATE_KEY: devKey(i),
        ADMIN_TOKEN: adminToken,
        LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
      });
      const svc = await startService(config, createLogger({ minLevel: config.logLevel }));
      started.push(svc);
      gateways.push({ name: names[i]!, url: svc.url, adminToken, svc });
    }
    return {
      rpcUrl: chain.rpcUrl,
      chainPort,
      ledger,
      gateways,
      async stop() {
        for (const s of started.reverse()) await s.stop();
        await chain.stop();
      },
    };
  } catch (e) {
    for (const s of started.reverse()) await s.stop();
    await chain.stop();
    throw e;
  }
}

/** The hub over the federation, with an auditor token from each gateway's admin and its own regulator and auditor tokens. */
export async function startDemoHub(f: DemoFederation, host: string): Promise<{ hub: RunningHub; regulator: string; auditor: string }> {
  const gatewayTokens: string[] = [];
  for (const g of f.gateways) {
    const t = await call<{ token: string }>(g.url, g.adminToken, "POST", "/v1/tokens", { role: "auditor", label: "demo city hub" });
    gatewayTokens.push(`${g.url}=${t.token}`);
  }
  const regulator = `hub-regulator-${randomBytes(16).toString("hex")}`;
  const auditor = `hub-auditor-${randomBytes(16).toString("hex")}`;
  const hub = await startHub(
    loadHubConfig({
      HOST: host,
      PORT: "0",
      HUB_RPC_URL: f.rpcUrl,
      LEDGER_ADDRESS: f.ledger,
      HUB_TOKENS: `regulator=${regulator},auditor=${auditor}`,
      HUB_GATEWAY_TOKENS: gatewayTokens.join(","),
    }),
    createLogger({ minLevel: "warn" }),
  );
  return { hub, regulator, auditor };
}
