/**
 * The worker `wd metrics --listen` collects in, so a scrape whose sysfs or debugfs reads hang
 * can be given up on (the worker is terminated and a fresh one started) while the server goes
 * on answering. It reads the host at the root it is given, with libc and Deno's file API.
 *
 * @module
 */

import { hostEnv } from "../env.ts";
import { collectMetrics } from "./collect.ts";

/** A request: the root to read and the usage stats file. */
export interface ScrapeRequest {
  /** Sequence number, echoed back. */
  id: number;
  /** The root. */
  root: string;
  /** The usage stats file, or null. */
  statsPath: string | null;
}

/** The answer. */
export interface ScrapeReply {
  /** The request's sequence number. */
  id: number;
  /** The exposition text. */
  text: string;
  /** Collectors that failed, and why. */
  errors: { collector: string; message: string }[];
}

/** What this module uses of the worker's global scope (no `deno.worker` lib: see JSR). */
interface WorkerScope {
  onmessage: ((e: MessageEvent<ScrapeRequest>) => void) | null;
  postMessage(message: ScrapeReply): void;
}

const scope = self as unknown as WorkerScope;

scope.onmessage = (e) => {
  const { id, root, statsPath } = e.data;
  try {
    const c = collectMetrics(hostEnv({ root }), { statsPath });
    scope.postMessage({ id, text: c.text, errors: c.errors } satisfies ScrapeReply);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    scope.postMessage(
      { id, text: "", errors: [{ collector: "wd", message }] } satisfies ScrapeReply,
    );
  }
};
