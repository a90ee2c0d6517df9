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
import { planTraffic } from "./city/traffic.ts";

/** The department whose token is printed (the README's walk-through starts with it too). */
const SHOWN_DEPARTMENT = "tax";

const say = (s = "") => process.stdout.write(`${s}\n`);
const fmt = (n: number) => n.toLocaleString("en-US");

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
  say(`dxledger demo: a city of ${DEPARTMENTS.length} departments and ${DISTRICTS.length} districts, ${catalog.byRank.length} datasets, ${fmt(o.exchanges)} exchanges from ${first} to ${last} (seed ${o.seed})`);
  say(`starting the embedded service (data dir ${dataDir})`);

  let svc;
  try {
    svc = await startDemoService(o, dataDir);
  } catch (e) {
    process.stderr.write(`demo: could not start the service: ${(e as Error).message.split("\n")[0]}\n`);
    return 1;
  }
  say(`service up at ${svc.url} (chain on 127.0.0.1:${svc.chainPort}) after ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  try {
    const loaded = await loadCity(
      { base: svc.url, adminToken: svc.adminToken, days: o.days, anchorEvery: Math.max(1, Math.ceil(o.days / 60)), stopped: () => stopRequested },
      catalog,
      keys,
      plan,
    );
    if (!stopRequested) {
      const token = async (role: string, label: string) => (await call<{ token: string }>(svc.url, svc.adminToken, "POST", "/v1/tokens", { role, label })).token;
      const roles: Array<[string, string]> = [
        ["admin", await token("admin", "demo city: admin")],
        ["auditor", await token("auditor", "demo city: auditor")],
        ["regulator", await token("regulator", "demo city: regulator")],
        [`department:${SHOWN_DEPARTMENT}`, loaded.departmentTokens.get(SHOWN_DEPARTMENT)!],
      ];
      const top = (await call<{ total: { exchanges: number }; groups: Array<{ key: string; exchanges: number }> }>(svc.url, svc.adminToken, "GET", `/v1/stats/top?by=dataset&from=${first}&to=${last}&limit=1`));
      const missing = plan.filter((p) => p.acknowledgedAt === null).length;
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      say("");
      say(`the city is ready after ${seconds} s: ${fmt(loaded.departments)} departments, ${fmt(catalog.byRank.length)} datasets (${catalog.byRank.filter((d) => d.derivedFrom.length).length} derived from others),`);
      say(`  ${fmt(loaded.exchanges)} exchanges from ${first} to ${last}, ${fmt(loaded.acknowledgements)} acknowledged (${fmt(missing)} not), ${loaded.checkpoints} checkpoints anchored by the demo;`);
      if (top.groups[0]) say(`  the most used dataset, ${top.groups[0].key}, takes ${((100 * top.groups[0].exchanges) / top.total.exchanges).toFixed(0)} % of the exchanges`);
      say("");
      say(`  console      ${svc.url}/`);
      say(`  API docs     ${svc.url}/docs`);
      say(`  chain RPC    ${svc.rpcUrl}`);
      say(`  data dir     ${dataDir}   (kept after exit; look again: DATA_DIR=${dataDir} npm start)`);
      say("  tokens       (Authorization: Bearer <token>)");
      for (const [role, t] of roles) say(`    ${role.padEnd(16)} ${t}`);
      say("");
      say("serving until Ctrl-C");
      await new Promise<void>((resolve) => {
        wake = resolve;
        if (stopRequested) resolve();
      });
    }
  } catch (e) {
    process.stderr.write(`demo: ${(e as Error).message}\n`);
    await svc.stop();
    closeConnections();
    return 1;
  }
  await svc.stop();
  closeConnections();
  say("stopped");
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
