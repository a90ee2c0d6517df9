/**
 * Progress of the demo's stages: a cli-progress bar on a terminal, plain
 * lines otherwise (one at the start, every 25 %, and at the end of a stage),
 * so logs and tests read cleanly.
 */
import cliProgress from "cli-progress";

export interface Stage {
  tick(n?: number): void;
  done(note?: string): void;
}

export function stage(name: string, total: number, unit: string, out: NodeJS.WriteStream = process.stdout): Stage {
  const t0 = performance.now();
  const secs = () => ((performance.now() - t0) / 1000).toFixed(1);
  let value = 0;
  if (out.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${name.padEnd(24)} [{bar}] {percentage}% | {value}/{total} ${unit} | {duration_formatted}`, hideCursor: true, stream: out },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return {
      tick(n = 1) {
        value += n;
        bar.update(value);
      },
      done(note) {
        bar.update(total);
        bar.stop();
        if (note) out.write(`  ${note}\n`);
      },
    };
  }
  out.write(`${name}: 0/${total} ${unit}\n`);
  let shown = 0;
  return {
    tick(n = 1) {
      value += n;
      const quarter = Math.floor((value * 4) / Math.max(1, total));
      if (quarter > shown && value < total) {
        shown = quarter;
        out.write(`${name}: ${value}/${total} ${unit} (${secs()} s)\n`);
      }
    },
    done(note) {
      out.write(`${name}: ${total}/${total} ${unit} in ${secs()} s${note ? ` — ${note}` : ""}\n`);
    },
  };
}
