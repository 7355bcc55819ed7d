/**
 * The progress line of `wd zip`/`wd unzip`: bytes, rate, ratio and, when the size is known,
 * the time left. On a terminal it redraws one line; forced onto a pipe (`--progress`) it
 * prints a line every few seconds.
 *
 * @module
 */

import type { Output } from "../../env.ts";

/** How often the line is redrawn on a terminal (ms), and printed on a pipe. */
const TTY_EVERY = 250;
const PIPE_EVERY = 5000;
/** Work shorter than this never shows a line (unless forced). */
const QUIET_FOR = 1000;

/** A progress line on stderr. */
export class Progress {
  readonly #out: Output;
  readonly #tty: boolean;
  readonly #forced: boolean;
  readonly #label: string;
  readonly #total: number | undefined;
  readonly #decompress: boolean;
  readonly #start = performance.now();
  #last = -Infinity;
  #drawn = false;

  /**
   * Starts measuring.
   *
   * @param out Where to draw (stderr).
   * @param options The label (file name), the input size if known, whether forced, and
   *   whether the input is the compressed side.
   */
  constructor(
    out: Output,
    options: { label: string; total?: number | undefined; forced: boolean; decompress: boolean },
  ) {
    this.#decompress = options.decompress;
    this.#out = out;
    this.#tty = out.isTerminal();
    this.#forced = options.forced;
    this.#label = options.label;
    this.#total = options.total;
  }

  /**
   * Reports the counts so far; draws when it is time.
   *
   * @param bytesIn Input bytes consumed.
   * @param bytesOut Output bytes produced.
   */
  update(bytesIn: number, bytesOut: number): void {
    const now = performance.now();
    if (now - this.#start < (this.#forced ? 0 : QUIET_FOR)) return;
    if (now - this.#last < (this.#tty ? TTY_EVERY : PIPE_EVERY)) return;
    this.#last = now;
    const line = this.#line(bytesIn, bytesOut, (now - this.#start) / 1000);
    this.#out.write(this.#tty ? `\r${line}\x1b[K` : `${line}\n`);
    this.#drawn = true;
  }

  /** Clears the line (terminal) once the work is done. */
  done(): void {
    if (this.#drawn && this.#tty) this.#out.write("\r\x1b[K");
  }

  #line(bytesIn: number, bytesOut: number, seconds: number): string {
    const rate = bytesIn / 1e6 / Math.max(seconds, 1e-3);
    const [plain, packed] = this.#decompress ? [bytesOut, bytesIn] : [bytesIn, bytesOut];
    const ratio = packed > 0 ? (plain / packed).toFixed(2) : "-";
    let line = `wd: ${this.#label}  ${mb(bytesIn)}  ${rate.toFixed(1)} MB/s  ratio ${ratio}`;
    if (this.#total !== undefined && this.#total > 0 && rate > 0) {
      const left = Math.max(0, this.#total - bytesIn) / 1e6 / rate;
      line += `  ${Math.min(100, (100 * bytesIn) / this.#total).toFixed(0)}%  ETA ${clock(left)}`;
    }
    return line;
  }
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

function clock(seconds: number): string {
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m >= 60
    ? `${Math.floor(m / 60)}:${String(m % 60).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`
    : `${m}:${String(s % 60).padStart(2, "0")}`;
}
