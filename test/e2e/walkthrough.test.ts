import { expect } from "chai";
import { spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { start, tempDir } from "../helpers/service.ts";

const ROOT = join(import.meta.dirname, "..", "..");

describe("README walk-through", () => {
  it("README shows scripts/demo/walkthrough.sh verbatim", () => {
    const script = readFileSync(join(ROOT, "scripts/demo/walkthrough.sh"), "utf8");
    const body = script.slice(script.indexOf("# 1."));
    expect(readFileSync(join(ROOT, "README.md"), "utf8")).to.contain(body.trim());
  });

  it("runs from registering departments to a receipt verified on chain", async () => {
    const dir = tempDir();
    const svc = await start(dir);
    try {
      // Asynchronous: the service runs in this process and must keep answering.
      const r = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn("bash", [join(ROOT, "scripts/demo/walkthrough.sh")], {
          cwd: ROOT,
          env: { ...process.env, BASE: svc.url, ADMIN_TOKEN: svc.adminToken },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d) => (stdout += d));
        child.stderr.on("data", (d) => (stderr += d));
        const timer = setTimeout(() => child.kill("SIGKILL"), 100_000);
        child.on("close", (status) => {
          clearTimeout(timer);
          resolve({ status, stdout, stderr });
        });
      });
      expect(r.status, r.stdout + r.stderr).to.equal(0);
      expect(r.stdout).to.contain('"status":"pending"');
      expect(r.stdout).to.contain("receipt is VALID");
    } finally {
      await svc.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
