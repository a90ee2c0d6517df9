/**
 * `npm run bench:middleware`: what each of the service's Express middleware
 * costs, as the bare echo's req/s with that one middleware in front, next to
 * the bare echo measured in the same run (rounds alternate; medians).
 * Env: BENCH_SECONDS (default 5), BENCH_CONNECTIONS (50), BENCH_ROUNDS (3).
 */
import { loadavg } from "node:os";
import { agent, cannon, fmt, startEcho } from "./bench-lib.ts";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const VARIANTS = ["", "request-id", "metrics", "helmet", "cors", "rate-limit", "body-budget", "request-id,metrics,helmet,cors,rate-limit,body-budget"];
const body = JSON.stringify({ id: "x".repeat(40), purpose: "p".repeat(300), recordCount: 1 });

const median = (a: number[]) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)]!;
const rps = new Map<string, number[]>(VARIANTS.map((v) => [v, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const v of VARIANTS) {
    const echo = await startEcho(v.split(",").filter(Boolean));
    rps.get(v)!.push((await cannon(`${echo.url}/echo`, [body], { seconds: SECONDS, connections: CONNECTIONS })).rps);
    echo.stop();
  }
}
const bare = median(rps.get("")!);
console.log(`\n| middleware in front of the echo | req/s (median of ${ROUNDS}) | vs bare echo | µs per request it adds (at that rate) |`);
console.log("|---|---|---|---|");
for (const v of VARIANTS) {
  const m = median(rps.get(v)!);
  console.log(`| ${v || "(none: bare echo)"} | ${fmt(m)} | ${fmt((100 * m) / bare, 1)} % | ${v ? fmt(1e6 / m - 1e6 / bare, 1) : "—"} |`);
}
console.log(
  `\nload average ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
agent.destroy();
