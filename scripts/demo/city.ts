/**
 * `npm run demo`: a city in a box. Starts the embedded default service (the
 * code path of `npm start`) and fills it, through the public HTTP API only,
 * with a simulated city drawn from `--seed`: 80 departments and 10 districts,
 * each with its own key; a few hundred datasets with lineage; Zipf-skewed
 * traffic over `--days` days; acknowledgements, a few missing; checkpoints
 * anchored along the way. Then prints the console's URL, the API reference
 * and a token per role, and serves until Ctrl-C (or SIGTERM), then shuts the
 * service down in its stated order and exits 0.
 *
 * Options: `npm run demo -- --help`. Modules: scripts/demo/city/.
 */
import { buildCatalog } from "./city/catalog.ts";
import { DEPARTMENTS, DISTRICTS } from "./city/departments.ts";
import { call, closeConnections } from "./city/http.ts";
import { departmentKey } from "./city/keys.ts";
import { loadCity } from "./city/load.ts";
import { parseOptions, USAGE, UsageError, type DemoOptions } from "./city/options.ts";
import { rng } from "./city/random.ts";
import { demoDataDir, startDemoService } from "./city/service.ts";
import { startDemoFederation, startDemoHub, type DemoFederation } from "./city/federation.ts";
import { cityTopDataset } from "./city/summary.ts";
import { planTraffic } from "./city/traffic.ts";

/** The department whose token is printed (the README's walk-through starts with it too). */
const SHOWN_DEPARTMENT = "tax";

const say = (s = "") => process.stdout.write(`${s}\n`);
const fmt = (n: number) => n.toLocaleString("en-US");

// eslint-disable-next-line complexity, max-lines-per-function -- the demo's main reads as the run's script
async function main(argv: readonly string[]): Promise<number> {
  let o: DemoOptions | "help";
  let dataDir: string;
  try {
    o = parseOptions(argv);
    if (o === "help") {
      say(USAGE);
      return 0;
    }
    dataDir = demoDataDir(o);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`demo: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  const t0 = performance.now();

  // Ctrl-C while the city is built stops it after the day under way; once serving, it stops the service.
  let stopRequested = false;
  // Read through a function: a signal handler sets it, which the compiler's narrowing does not see.
  const stopped = (): boolean => stopRequested;
  /** Stopped before the service(s): the hub. */
  const wakeHooks: Array<() => Promise<void>> = [];
  let wake: () => void = () => undefined;
  const onSignal = (sig: string) => {
    // Never exit on a second signal: the embedded chain runs in its own process group and stops last (bounded).
    if (stopRequested) {
      process.stderr.write(`demo: ${sig} again; still shutting down (the chain stops last, within seconds)\n`);
      return;
    }
    stopRequested = true;
    say(`received ${sig}, shutting down`);
    wake();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);

  // The city is drawn first: the same seed gives the same city, whatever happens later.
  const r = rng(o.seed);
  const catalog = buildCatalog(r);
  const plan = planTraffic(r, catalog, { exchanges: o.exchanges, days: o.days, endDayMs: o.endDayMs });
  const keys = new Map(catalog.departments.map((d) => [d.id, departmentKey(o.seed, d.id)] as const));
  const first = new Date(o.endDayMs - (o.days - 1) * 86_400_000).toISOString().slice(0, 10);
  const last = new Date(o.endDayMs).toISOString().slice(0, 10);
  say(
    `dxledger demo: a city of ${DEPARTMENTS.length} departments and ${DISTRICTS.length} districts, ${catalog.byRank.length} datasets, ${fmt(o.exchanges)} exchanges from ${first} to ${last} (seed ${o.seed})`,
  );
  say(o.gateways > 1 ? `starting one chain and ${o.gateways} gateways (data dirs under ${dataDir})` : `starting the embedded service (data dir ${dataDir})`);

  // Departments spread over the gateways in catalog order (round robin): every gateway is home to some.
  const homeIndex = new Map(catalog.departments.map((d, i) => [d.id, i % o.gateways] as const));
  let svc: { url: string; adminToken: string; rpcUrl: string; chainPort: number; stop(): Promise<void> };
  /** Every gateway, the console's (svc) first. */
  let gateways: Array<{ base: string; adminToken: string }>;
  let fed: DemoFederation | undefined;
  try {
    if (o.gateways > 1) {
      fed = await startDemoFederation(o, dataDir, o.gateways);
      const g0 = fed.gateways[0]!;
      svc = { url: g0.url, adminToken: g0.adminToken, rpcUrl: fed.rpcUrl, chainPort: fed.chainPort, stop: fed.stop };
      gateways = fed.gateways.map((g) => ({ base: g.url, adminToken: g.adminToken }));
    } else {
      svc = await startDemoService(o, dataDir);
      gateways = [{ base: svc.url, adminToken: svc.adminToken }];
    }
  } catch (e) {
    process.stderr.write(`demo: could not start the service: ${(e as Error).message.split("\n")[0]}\n`);
    return 1;
  }
  say(`service up at ${svc.url} (chain on 127.0.0.1:${svc.chainPort}) after ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  try {
    const loaded = await loadCity(
      {
        base: svc.url,
        adminToken: svc.adminToken,
        days: o.days,
        anchorEvery: Math.max(1, Math.ceil(o.days / 60)),
        stopped,
        ...(fed ? { gateways, homeOf: (id: string) => homeIndex.get(id) ?? 0 } : {}),
      },
      catalog,
      keys,
      plan,
    );
    if (!stopped()) {
      const token = async (role: string, label: string) =>
        (await call<{ token: string }>(svc.url, svc.adminToken, "POST", "/v1/tokens", { role, label })).token;
      const roles: Array<[string, string]> = [
        ["admin", await token("admin", "demo city: admin")],
        ["auditor", await token("auditor", "demo city: auditor")],
        ["regulator", await token("regulator", "demo city: regulator")],
        // The department's token at the console printed (gateway 0), where it is accepted; each gateway's is listed below.
        [`department:${SHOWN_DEPARTMENT}`, loaded.tokensAt[0]!.get(SHOWN_DEPARTMENT)!],
      ];
      const hub = fed ? await startDemoHub(fed, o.host) : undefined;
      const top = await cityTopDataset(gateways, first, last);
      const missing = plan.filter((p) => p.acknowledgedAt === null).length;
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      say("");
      say(
        `the city is ready after ${seconds} s: ${fmt(loaded.departments)} departments, ${fmt(catalog.byRank.length)} datasets (${catalog.byRank.filter((d) => d.derivedFrom.length).length} derived from others),`,
      );
      say(
        `  ${fmt(loaded.exchanges)} exchanges from ${first} to ${last}, ${fmt(loaded.acknowledgements)} acknowledged (${fmt(missing)} not), ${loaded.checkpoints} checkpoints anchored by the demo;`,
      );
      if (top)
        say(
          `  the most used dataset, ${top.key}, takes ${((100 * top.exchanges) / top.total).toFixed(0)} % of the exchanges${fed ? ` (summed over the ${fed.gateways.length} gateways)` : ""}`,
        );
      say("");
      say(`  console      ${svc.url}/`);
      say(`  API docs     ${svc.url}/docs`);
      say(`  chain RPC    ${svc.rpcUrl}`);
      say(
        fed
          ? `  data dirs    ${dataDir}/<gateway>   (kept after exit; the chain is in memory and goes with the demo)`
          : `  data dir     ${dataDir}   (kept after exit; look again: DATA_DIR=${dataDir} npm start)`,
      );
      say(`  tokens       (Authorization: Bearer <token>${fed ? `; at ${fed.gateways[0]!.name}, the console above` : ""})`);
      for (const [role, t] of roles) say(`    ${role.padEnd(16)} ${t}`);
      if (fed && hub) {
        say("");
        say(`  gateways     ${fed.gateways.length} on one ledger ${fed.ledger} (departments spread over them; each serves its own console)`);
        for (const [i, g] of fed.gateways.entries())
          say(
            `    ${g.name.padEnd(14)} ${g.url}/   admin token ${g.adminToken}   (${catalog.departments.filter((d) => homeIndex.get(d.id) === i).length} departments at home)`,
          );
        say(`  hub          ${hub.hub.url}/v1/federation   (statistics across every gateway: /v1/stats/usage|top|flows)`);
        say(`    regulator        ${hub.regulator}`);
        say(`    auditor          ${hub.auditor}`);
        const own = loaded.tokensAt.map((m, i) => `${fed.gateways[i]!.name}=${m.get(SHOWN_DEPARTMENT)}`).join(",");
        say(`    department:${SHOWN_DEPARTMENT} sends its own gateway tokens: X-Gateway-Tokens: ${own}`);
        const home = fed.gateways[homeIndex.get(SHOWN_DEPARTMENT) ?? 0]!;
        say(`    department:${SHOWN_DEPARTMENT} is at home at ${home.name} (its exchanges are recorded there): ${home.url}/ with its ${home.name} token above`);
        wakeHooks.push(() => hub.hub.stop());
      }
      say("");
      say("serving until Ctrl-C");
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (stopRequested) resolve();
      });
    }
  } catch (e) {
    process.stderr.write(`demo: ${(e as Error).message}\n`);
    for (const h of wakeHooks) await h();
    await svc.stop();
    closeConnections();
    return 1;
  }
  for (const h of wakeHooks) await h();
  await svc.stop();
  closeConnections();
  say("stopped");
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
