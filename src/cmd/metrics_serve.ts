/**
 * `wd metrics --listen HOST:PORT`: `/metrics` over HTTP with Deno's server. Each scrape reads
 * the host afresh, in a worker: a scrape that takes longer than the timeout (or than the
 * `X-Prometheus-Scrape-Timeout-Seconds` Prometheus sends, when shorter) gets 503, the worker is
 * terminated and the next scrape starts a new one, so a hung sysfs read never stops the server.
 * Scrapes that arrive while one is collecting share its result.
 *
 * @module
 */

import type { Env } from "../env.ts";
import { BusyError, ExitCode, PermissionError, UsageError, WdError } from "../errors.ts";
import type { ScrapeReply, ScrapeRequest } from "../metrics/worker.ts";

/** The content type of the text format. */
export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Options of {@linkcode serveMetrics}. */
export interface ServeOptions {
  /** The usage stats file, or null. */
  statsPath: string | null;
  /** Longest a scrape may take, in milliseconds. */
  timeoutMs: number;
  /** Stops the server; without one, SIGINT and SIGTERM do. */
  signal?: AbortSignal | undefined;
  /** Told the address once listening. */
  onListen?: ((addr: { hostname: string; port: number }) => void) | undefined;
  /** The worker module that collects (default src/metrics/worker.ts; tests give a slow one). */
  collector?: URL | undefined;
}

/**
 * Parses `HOST:PORT`, `:PORT` (every address) or `[IPv6]:PORT`.
 *
 * @param text The address.
 * @returns The host name and port.
 * @throws WdError (usage) when it is not such an address.
 *
 * @example
 * ```ts
 * import { parseListen } from "./metrics_serve.ts";
 * console.log(parseListen("127.0.0.1:9120")); // { hostname: "127.0.0.1", port: 9120 }
 * ```
 */
export function parseListen(text: string): { hostname: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]*)):(\d{1,5})$/.exec(text);
  const port = m === null ? NaN : Number(m[3]);
  if (m === null || port > 65535) {
    throw new UsageError(`Invalid --listen address "${text}"`, {
      hint: "give HOST:PORT, such as 127.0.0.1:9120, or :9120 for every address",
    });
  }
  return { hostname: m[1] ?? (m[2] || "0.0.0.0"), port };
}

/**
 * Serves the metrics until the signal aborts (or SIGINT/SIGTERM).
 *
 * @param env The environment (its root is read; stderr gets the address and any errors).
 * @param listen `HOST:PORT`.
 * @param options Stats file, scrape timeout, stop signal.
 * @throws WdError when the address is in use (exit 5), denied (exit 4) or malformed (exit 2).
 */
export async function serveMetrics(
  env: Env,
  listen: string,
  options: ServeOptions,
): Promise<void> {
  const { hostname, port } = parseListen(listen);
  const scraper = new Scraper(
    env.root,
    options.statsPath,
    (m) => env.stderr.write(m),
    options.collector ?? new URL("../metrics/worker.ts", import.meta.url),
  );
  const stop = new AbortController();
  const signal = options.signal ?? stop.signal;
  const onSignal = () => stop.abort();
  if (options.signal === undefined) {
    for (const s of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(s, onSignal);
  }
  let server: Deno.HttpServer;
  try {
    server = Deno.serve({
      hostname,
      port,
      signal,
      onListen: (addr) => {
        const a = addr as Deno.NetAddr;
        const host = a.hostname.includes(":") ? `[${a.hostname}]` : a.hostname;
        env.stderr.write(`wd: serving metrics on http://${host}:${a.port}/metrics\n`);
        options.onListen?.({ hostname: a.hostname, port: a.port });
      },
      onError: (err) => {
        env.stderr.write(`wd: error: ${err instanceof Error ? err.message : String(err)}\n`);
        return new Response("internal error\n", { status: 500 });
      },
    }, (req) => handle(req, scraper, options.timeoutMs));
  } catch (err) {
    scraper.close();
    removeSignals(options.signal === undefined, onSignal);
    throw listenError(err, listen);
  }
  try {
    await server.finished;
  } finally {
    scraper.close();
    removeSignals(options.signal === undefined, onSignal);
  }
}

function removeSignals(added: boolean, fn: () => void): void {
  if (!added) return;
  for (const s of ["SIGINT", "SIGTERM"] as const) Deno.removeSignalListener(s, fn);
}

function listenError(err: unknown, listen: string): unknown {
  if (err instanceof Deno.errors.AddrInUse) {
    return new BusyError(`Cannot listen on ${listen}: the address is in use (EADDRINUSE)`, {
      hint: "another process serves that port (ss -ltnp shows which); pick another with --listen",
    });
  }
  if (err instanceof Deno.errors.PermissionDenied) {
    return new PermissionError(`Cannot listen on ${listen}: permission denied (EACCES)`, {
      hint: "ports below 1024 need root or CAP_NET_BIND_SERVICE; pick a higher one, such as 9120",
    });
  }
  if (err instanceof Deno.errors.AddrNotAvailable) {
    return new WdError(`Cannot listen on ${listen}: no such local address (EADDRNOTAVAIL)`, {
      exitCode: ExitCode.FAILURE,
    });
  }
  return err;
}

async function handle(req: Request, scraper: Scraper, timeoutMs: number): Promise<Response> {
  const url = new URL(req.url);
  if (req.method !== "GET" && req.method !== "HEAD") {
    return new Response("only GET and HEAD\n", { status: 405, headers: { allow: "GET, HEAD" } });
  }
  if (url.pathname === "/") {
    return new Response("wd metrics: see /metrics\n", {
      headers: { "content-type": "text/plain" },
    });
  }
  if (url.pathname !== "/metrics") return new Response("not found\n", { status: 404 });
  const asked = Number(req.headers.get("x-prometheus-scrape-timeout-seconds"));
  const limit = asked > 0 ? Math.min(timeoutMs, Math.max(100, asked * 1000 - 250)) : timeoutMs;
  const text = await scraper.scrape(limit);
  if (text === null) {
    return new Response(`wd: collecting the metrics took longer than ${limit / 1000} s\n`, {
      status: 503,
      headers: { "content-type": "text/plain; charset=utf-8" },
    });
  }
  return new Response(req.method === "HEAD" ? null : text, {
    headers: { "content-type": CONTENT_TYPE },
  });
}

/** Collects in a worker, one collection at a time, giving up on one that takes too long. */
class Scraper {
  readonly #root: string;
  readonly #statsPath: string | null;
  readonly #log: (message: string) => void;
  readonly #logged = new Set<string>();
  readonly #collector: URL;
  #worker: Worker | null = null;
  #pending: Promise<ScrapeReply | null> | null = null;
  #id = 0;

  constructor(
    root: string,
    statsPath: string | null,
    log: (message: string) => void,
    collector: URL,
  ) {
    this.#root = root;
    this.#statsPath = statsPath;
    this.#log = log;
    this.#collector = collector;
  }

  /** The exposition, or null when it took longer than `limitMs`. */
  async scrape(limitMs: number): Promise<string | null> {
    this.#pending ??= this.#collect(limitMs).finally(() => this.#pending = null);
    const reply = await this.#pending;
    if (reply === null) return null;
    for (const e of reply.errors) {
      const line = `wd: warning: cannot collect the ${e.collector} metrics: ${e.message}\n`;
      if (!this.#logged.has(line)) this.#log(line); // once each, not at every scrape
      this.#logged.add(line);
    }
    return reply.text;
  }

  #collect(limitMs: number): Promise<ScrapeReply | null> {
    const worker = this.#worker ??= new Worker(this.#collector, { type: "module" });
    const id = ++this.#id;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        worker.terminate();
        if (this.#worker === worker) this.#worker = null;
        this.#log(`wd: warning: a scrape took longer than ${limitMs / 1000} s; abandoned\n`);
        resolve(null);
      }, limitMs);
      worker.onmessage = (e: MessageEvent<ScrapeReply>) => {
        if (e.data.id !== id) return;
        clearTimeout(timer);
        resolve(e.data);
      };
      worker.onerror = (e) => {
        e.preventDefault();
        clearTimeout(timer);
        worker.terminate();
        if (this.#worker === worker) this.#worker = null;
        resolve({ id, text: "", errors: [{ collector: "wd", message: e.message }] });
      };
      worker.postMessage(
        { id, root: this.#root, statsPath: this.#statsPath } satisfies ScrapeRequest,
      );
    });
  }

  /** Stops the worker. */
  close(): void {
    this.#worker?.terminate();
    this.#worker = null;
  }
}
