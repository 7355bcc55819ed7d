/**
 * The data of one operand through the engine: compress or decompress, count, show progress,
 * and turn trailing garbage into a warning (the output before it is complete and kept).
 *
 * @module
 */

import type { Engine, Format, GzipHeader } from "../../zip/engine.ts";
import { ZipDataError } from "../../zip/errors.ts";
import { trailerLength } from "../../zip/framing.ts";
import { encodeGzipHeader } from "../../zip/gzip_header.ts";
import { Progress } from "./progress.ts";
import type { ZipRun } from "./run.ts";

/** What went through. */
export interface TransformResult {
  /** Bytes read. */
  bytesIn: number;
  /** Bytes written. */
  bytesOut: number;
  /** The deflate data's size (compressed size without headers and trailers), for ratios. */
  packed: number;
  /** The first gzip header read (decompression). */
  header?: GzipHeader | undefined;
  /** The input was not compressed and was copied (`-dcf`). */
  passedThrough?: boolean;
  /** Trailing garbage after complete data. */
  warning?: ZipDataError | undefined;
}

/** Where the data goes and what it is. */
export interface TransformPlan {
  /** The name for progress and messages. */
  label: string;
  /** The input's size, when known (for the ETA). */
  size?: number | undefined;
  /** The gzip header to write (compression). */
  header?: GzipHeader | undefined;
  /** Takes each output chunk (valid only during the call). */
  sink(chunk: Uint8Array): void;
  /** The sink cannot take output back (stdout): a device's output is checked before it goes. */
  final?: boolean | undefined;
  /** The engine to use instead of the run's (software, to decode again what a device got wrong). */
  engine?: Engine | undefined;
}

/**
 * Runs the engine over a stream.
 *
 * @param run The run (options, engine).
 * @param input The input stream.
 * @param plan Label, size, header and sink.
 * @returns The counts.
 * @throws ZipDataError for corrupt data (not for trailing garbage: see `warning`).
 */
export async function transform(
  run: ZipRun,
  input: AsyncIterable<Uint8Array>,
  plan: TransformPlan,
): Promise<TransformResult> {
  const engine = plan.engine ?? await run.engine();
  const o = run.options;
  const compress = run.mode === "compress";
  const format = o.format ?? "gzip";
  const progress = progressFor(run, plan);
  const result: TransformResult = { bytesIn: 0, bytesOut: 0, packed: 0 };
  const counted = counting(input, (n) => result.bytesIn += n);
  const stream = compress
    ? engine.compress(counted, {
      format,
      level: o.level ?? 6,
      ...(format === "gzip" && plan.header ? { header: plan.header } : {}),
    })
    : engine.decompress(counted, {
      format: o.format ?? "auto",
      onHeader: (h) => result.header ??= h,
      ...(plan.final ? { checkBeforeOutput: true } : {}),
    });
  try {
    for await (const chunk of stream) {
      plan.sink(chunk);
      result.bytesOut += chunk.length;
      progress?.update(result.bytesIn, result.bytesOut);
    }
  } catch (err) {
    if (!(err instanceof ZipDataError && err.isWarning)) throw err;
    result.warning = err;
  } finally {
    progress?.done();
  }
  run.usage.add(result.bytesIn, result.bytesOut);
  const packedSide = compress ? result.bytesOut : engine.stats.bytesIn;
  const seen = compress ? format : result.header ? "gzip" : (o.format ?? "zlib");
  result.packed = Math.max(0, packedSide - overhead(seen, compress ? plan.header : result.header));
  return result;
}

/** Header and trailer bytes of one member, which gzip leaves out of its ratios. */
function overhead(format: Format, header: GzipHeader | undefined): number {
  const head = format === "gzip"
    ? (header ? encodeGzipHeader(header).length : 10)
    : format === "zlib"
    ? 2
    : 0;
  return head + trailerLength(format);
}

function progressFor(run: ZipRun, plan: TransformPlan): Progress | undefined {
  const o = run.options;
  if (o.progress === false || (o.quiet && o.progress !== true)) return undefined;
  if (o.progress !== true && !run.env.stderr.isTerminal()) return undefined;
  return new Progress(run.env.stderr, {
    label: plan.label,
    total: plan.size,
    forced: o.progress === true,
    decompress: run.mode !== "compress",
  });
}

async function* counting(
  input: AsyncIterable<Uint8Array>,
  add: (n: number) => void,
): AsyncGenerator<Uint8Array> {
  for await (const chunk of input) {
    add(chunk.length);
    yield chunk;
  }
}
