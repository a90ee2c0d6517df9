/**
 * The embedded chain's parent-death watch, run as its own process by
 * runAnvil (anvil.ts): `node anvil-watch.ts <anvil binary> <args…>`.
 *
 * Contract: Anvil never outlives the service that started it by more than a
 * moment. This process's stdin is a pipe from the service; when it reaches
 * end of file (the service exited, however: even `kill -9`, since the kernel
 * closes the pipe) Anvil gets SIGTERM (it writes its state), and SIGKILL
 * 10 s later. SIGTERM or SIGINT to this process is passed on the same way.
 * Anvil's stderr is this process's; its pid is the first line this process
 * writes on stdout; this process exits with Anvil's code.
 */
import { spawn } from "node:child_process";

const KILL_AFTER_MS = 10_000;

const [bin, ...args] = process.argv.slice(2);
if (!bin) {
  process.stderr.write("anvil-watch: usage: anvil-watch.ts <anvil binary> <args…>\n");
  process.exit(2);
}
const anvil = spawn(bin, args, { stdio: ["ignore", "ignore", "inherit"] });
if (anvil.pid !== undefined) process.stdout.write(`${anvil.pid}\n`);

let stopping = false;
function stop(): void {
  if (stopping) return;
  stopping = true;
  anvil.kill("SIGTERM");
  setTimeout(() => anvil.kill("SIGKILL"), KILL_AFTER_MS).unref();
}

anvil.once("error", (e) => {
  process.stderr.write(`anvil-watch: cannot run ${bin}: ${e.message}\n`);
  process.exit(1);
});
anvil.once("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
process.stdin.once("end", stop);
process.stdin.once("close", stop);
process.stdin.on("error", stop);
process.stdin.resume();
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
process.stdout.on("error", () => {
  // the service is gone: the stop above still runs
});
process.stderr.on("error", () => {
  // the service is gone: nowhere left to report, the stop above still runs
});
