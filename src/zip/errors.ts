/**
 * Errors in compressed data: what is wrong (`kind`), in gzip's words, and gzip's exit codes
 * (1 for an error, 2 for a warning such as trailing garbage).
 *
 * @module
 */

import { ExitCode, WdError } from "../errors.ts";

/**
 * What is wrong with a compressed stream.
 *
 * @example
 * ```ts
 * import { UnzipStream, ZipDataError, type ZipDataErrorKind } from "@wd/wd";
 * const bad = ReadableStream.from([new TextEncoder().encode("not gzip at all")]);
 * const kind: ZipDataErrorKind | null = await new Response(bad.pipeThrough(new UnzipStream()))
 *   .bytes().then(() => null, (e) => e instanceof ZipDataError ? e.kind : null);
 * console.log(kind); // format
 * ```
 */
export type ZipDataErrorKind =
  /** The input ends inside a member. */
  | "truncated"
  /** The CRC32 (gzip) or Adler-32 (zlib) does not match the data. */
  | "crc"
  /** The ISIZE trailer does not match the data's length. */
  | "length"
  /** A gzip or zlib header is malformed (bad flags, a bad header CRC, an unknown method). */
  | "header"
  /** The input is not gzip or zlib at all. */
  | "format"
  /** Bytes after the last member that are not a member (a warning: the data was fine). */
  | "garbage"
  /** The deflate data itself is invalid. */
  | "data"
  /**
   * Data in a format gzip knows but does not decode (LZW wider than 16 bits, an encrypted,
   * Zip64 or not deflated or stored zip entry, an empty zip file).
   */
  | "unsupported"
  /** A zip file with more than one entry, written to a file: an error, the input kept. */
  | "entries"
  /** A zip file with more than one entry, written to stdout: a warning, the rest ignored. */
  | "entries-ignored"
  /** An LZW header with reserved flag bits set: a warning, the data is decoded anyway. */
  | "flags";

/** The kinds that are warnings: the output is complete and kept, the exit code is 2. */
const WARNINGS: ReadonlySet<ZipDataErrorKind> = new Set(["garbage", "entries-ignored", "flags"]);

/** gzip's words for each kind, used in messages. */
const DETAIL: Record<ZipDataErrorKind, string> = {
  truncated: "unexpected end of file",
  crc: "invalid compressed data--crc error",
  length: "invalid compressed data--length error",
  header: "invalid header",
  format: "not in gzip format",
  garbage: "decompression OK, trailing garbage ignored",
  data: "invalid compressed data--format violated",
  unsupported: "compressed data not supported",
  entries: "has more than one entry -- unchanged",
  "entries-ignored": "has more than one entry--rest ignored",
  flags: "warning, unknown flags",
};

/**
 * Options for {@linkcode ZipDataError}.
 *
 * @example
 * ```ts
 * import { ZipDataError, type ZipDataErrorOptions } from "@wd/wd";
 * const options: ZipDataErrorOptions = { source: "logs.gz", detail: "invalid block type" };
 * console.log(new ZipDataError("data", options).message); // Cannot decompress "logs.gz": invalid compressed data--format violated (invalid block type)
 * ```
 */
export interface ZipDataErrorOptions extends ErrorOptions {
  /** What the data is called in messages (a file name, `stdin`). */
  source?: string | undefined;
  /** More detail after gzip's words (`unknown method 7`, `invalid block type`). */
  detail?: string | undefined;
}

/**
 * Corrupt, truncated or trailing data. Its exit code is gzip's: 2 for the warnings (`garbage`,
 * `entries-ignored`, `flags`: the output is complete and kept), 1 for everything else.
 *
 * @example
 * ```ts
 * import { ZipDataError } from "@wd/wd";
 * const e = new ZipDataError("crc").withSource("notes.txt.gz");
 * console.log(e.message); // Cannot decompress "notes.txt.gz": invalid compressed data--crc error
 * console.log(e.exitCode); // 1
 * ```
 */
export class ZipDataError extends WdError {
  /** What is wrong. */
  readonly kind: ZipDataErrorKind;
  /** The data's name, when known. */
  readonly source: string | undefined;
  /** The extra detail, when any. */
  readonly detail: string | undefined;

  /**
   * Makes the error.
   *
   * @param kind What is wrong.
   * @param options Source name, detail and cause.
   */
  constructor(kind: ZipDataErrorKind, options: ZipDataErrorOptions = {}) {
    super(messageOf(kind, options), {
      exitCode: WARNINGS.has(kind) ? ExitCode.USAGE : ExitCode.FAILURE,
      hint: hintOf(kind),
      cause: options.cause,
    });
    this.name = "ZipDataError";
    this.kind = kind;
    this.source = options.source;
    this.detail = options.detail;
  }

  /** Whether this is only a warning (the output is complete and correct). */
  get isWarning(): boolean {
    return WARNINGS.has(this.kind);
  }

  /**
   * The same error, naming the data it is about.
   *
   * @param source A file name or `stdin`.
   * @returns A new error.
   */
  withSource(source: string): ZipDataError {
    return new ZipDataError(this.kind, { source, detail: this.detail, cause: this.cause });
  }
}

function messageOf(kind: ZipDataErrorKind, options: ZipDataErrorOptions): string {
  const what = DETAIL[kind] + (options.detail ? ` (${options.detail})` : "");
  if (options.source === undefined) return what[0]!.toUpperCase() + what.slice(1);
  if (WARNINGS.has(kind) || kind === "entries") return `"${options.source}": ${what}`;
  return `Cannot decompress "${options.source}": ${what}`;
}

function hintOf(kind: ZipDataErrorKind): string | undefined {
  switch (kind) {
    case "truncated":
      return "the file was cut short (an interrupted download or copy?); get a complete copy";
    case "crc":
    case "length":
    case "data":
      return "the compressed data is corrupt; get an intact copy";
    case "format":
      return "use -f with -c to copy data that is not compressed (as gzip -dcf does)";
    case "unsupported":
    case "entries":
    case "entries-ignored":
      return "use unzip (or 7z) for zip archives: gzip and wd read only a zip file's first entry";
    default:
      return undefined;
  }
}

/** What {@linkcode DeviceOutputError} says. */
export interface DeviceOutputDetail {
  /** What went wrong first (the device's failure, or the failed check). */
  what: string;
  /** Output bytes of the member written before the problem showed. */
  written: number;
  /** How software judged it. */
  detail: string;
  /** Whether software decoded the data correctly (false: it could not decode it again). */
  judged: boolean;
}

/**
 * Output the device decoded that turned out wrong after some of it was written: the device
 * failed, not the file. A caller that can take its output back (a file, `-t`) decodes again in
 * software; on a pipe the output already written is wrong and the run fails.
 */
export class DeviceOutputError extends WdError {
  /** Output bytes of the member written before the problem showed. */
  readonly written: number;

  /**
   * Makes the error.
   *
   * @param device The device's name.
   * @param detail What happened.
   */
  constructor(device: string, detail: DeviceOutputDetail) {
    super(
      detail.judged
        ? `The ZIP engine of "${device}" decoded data wrongly: ${detail.what} and ${detail.detail}; ` +
          `the device failed, not the file (${detail.written} bytes of its output were already written)`
        : `The ZIP engine of "${device}" failed while decoding: ${detail.what}, after ` +
          `${detail.written} bytes of its output were written, and ${detail.detail}`,
      {
        hint: "decompress again with the software engine (engine sw), which checks the file; " +
          `check the device with wd queue test ${device} and wd doctor`,
      },
    );
    this.name = "DeviceOutputError";
    this.written = detail.written;
  }
}
