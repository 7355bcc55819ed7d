/**
 * The benchmark corpus, generated on the machine and deterministic (same files, same order,
 * same seeds): the kinds of data the baseline (shared/docs/compression_baseline.md §2) used.
 *
 * - text: English man pages (roff), /usr/share/doc text, C headers, Python and JS sources
 * - logs: seeded JSON access logs and syslog lines
 * - binary: this Deno binary and the shared libraries of /usr/lib
 *
 * @module
 */

import { gunzipSync } from "node:zlib";

/** The corpus files. */
export type CorpusName = "text" | "logs" | "binary";

/** Share of the text file each source fills (the baseline's mix). */
const TEXT_MIX: [string, number, (p: string) => boolean][] = [
  ["/usr/share/man/man1", 0.28, (p) => p.endsWith(".gz")],
  ["/usr/share/man/man3", 0.1, (p) => p.endsWith(".gz")],
  ["/usr/share/doc", 0.2, (p) => /\.(txt|html|md)$|README|changelog$|copyright$/i.test(p)],
  ["/usr/include", 0.2, (p) => p.endsWith(".h")],
  ["/usr/lib/python3.11", 0.12, (p) => p.endsWith(".py")],
  ["/usr/lib/node_modules", 0.1, (p) => p.endsWith(".js")],
];

/**
 * Writes the corpus file `name` of `size` bytes to `path` (kept when it exists already).
 *
 * @param name Which file.
 * @param path Where.
 * @param size Its size.
 */
export function makeCorpus(name: CorpusName, path: string, size: number): void {
  try {
    if (Deno.statSync(path).size === size) return;
  } catch {
    // not there yet
  }
  const out = new Uint8Array(size);
  const fill = name === "text" ? fillText : name === "logs" ? fillLogs : fillBinary;
  const n = fill(out);
  // Too little on this machine: repeat what there is.
  for (let o = n; o < size && n > 0; o += n) out.copyWithin(o, 0, Math.min(n, size - o));
  Deno.writeFileSync(path, out);
}

function fillText(out: Uint8Array): number {
  let o = 0;
  for (const [dir, share, want] of TEXT_MIX) {
    const end = Math.min(out.length, o + Math.floor(share * out.length));
    for (const file of walk(dir, want)) {
      if (o >= end) break;
      let bytes: Uint8Array;
      try {
        bytes = Deno.readFileSync(file);
        if (file.endsWith(".gz")) bytes = new Uint8Array(gunzipSync(bytes));
      } catch {
        continue;
      }
      const n = Math.min(bytes.length, end - o);
      out.set(bytes.subarray(0, n), o);
      o += n;
    }
  }
  return o;
}

function fillBinary(out: Uint8Array): number {
  let o = 0;
  const sources = [Deno.execPath(), ...walk("/usr/lib/x86_64-linux-gnu", (p) => /\.so/.test(p))];
  for (const file of sources) {
    if (o >= out.length) break;
    try {
      const bytes = Deno.readFileSync(file);
      const n = Math.min(bytes.length, out.length - o, o === 0 ? 40 << 20 : Infinity);
      out.set(bytes.subarray(0, n), o);
      o += n;
    } catch {
      // unreadable: skip
    }
  }
  return o;
}

/** Seeded log lines: 3/4 JSON access records, 1/4 syslog. */
function fillLogs(out: Uint8Array): number {
  const rand = mulberry32(0xc0ffee);
  const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!;
  const hex = (n: number) =>
    Array.from({ length: n }, () => pick([..."0123456789abcdef"])).join("");
  const paths = [
    "/api/v1/users",
    "/api/v1/orders",
    "/static/app.js",
    "/login",
    "/health",
    "/api/v2/search",
  ];
  const agents = [
    "curl/8.1.2",
    "Mozilla/5.0 (X11; Linux x86_64)",
    "python-requests/2.31",
    "Go-http-client/2.0",
  ];
  const enc = new TextEncoder();
  let t = Date.UTC(2026, 0, 1);
  let o = 0;
  while (o < out.length) {
    t += Math.floor(rand() * 50);
    const ts = new Date(t).toISOString();
    const line = rand() < 0.75
      ? JSON.stringify({
        ts,
        level: pick(["info", "info", "info", "warn", "error"]),
        trace: hex(16),
        span: hex(8),
        ip: `10.${Math.floor(rand() * 256)}.${Math.floor(rand() * 256)}.${
          Math.floor(rand() * 256)
        }`,
        method: pick(["GET", "GET", "POST", "PUT"]),
        path: `${pick(paths)}/${Math.floor(rand() * 10000)}`,
        status: pick([200, 200, 200, 201, 304, 404, 500]),
        ms: Math.round(rand() * 2000) / 10,
        ua: pick(agents),
      })
      : `${ts} host${Math.floor(rand() * 8)} ${pick(["sshd", "kernel", "systemd", "cron"])}[${
        Math.floor(rand() * 30000)
      }]: ${
        pick([
          "session opened for user root",
          "Started Daily apt upgrade",
          "eth0: link up",
          "Accepted publickey",
        ])
      }`;
    const bytes = enc.encode(line + "\n");
    const n = Math.min(bytes.length, out.length - o);
    out.set(bytes.subarray(0, n), o);
    o += n;
  }
  return o;
}

function mulberry32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Files under `dir`, recursively, in sorted order (symlinks not followed). */
function* walk(dir: string, want: (p: string) => boolean): Generator<string> {
  let entries: Deno.DirEntry[];
  try {
    entries = Array.from(Deno.readDirSync(dir)).sort((a, b) => a.name < b.name ? -1 : 1);
  } catch {
    return;
  }
  for (const e of entries) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory) yield* walk(p, want);
    else if (e.isFile && want(p)) yield p;
  }
}
