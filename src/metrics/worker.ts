/**
 * The worker `wd metrics --listen` collects in, so a scrape whose sysfs or debugfs reads hang
 * can be given up on (the worker is terminated and a fresh one started) while the server goes
 * on answering. It reads the host at the root it is given, with libc and Deno's file API.
 *
 * @module
 */

/// <reference lib="deno.worker" />

import { processEnv } from "../env.ts";
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

self.onmessage = (e: MessageEvent<ScrapeRequest>) => {
  const { id, root, statsPath } = e.data;
  try {
    const c = collectMetrics(processEnv({ root }), { statsPath });
    self.postMessage({ id, text: c.text, errors: c.errors } satisfies ScrapeReply);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    self.postMessage(
      { id, text: "", errors: [{ collector: "wd", message }] } satisfies ScrapeReply,
    );
  }
};
