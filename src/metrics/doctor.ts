/**
 * Every `wd doctor` check as a gauge, so one alert rule covers anything wd doctor would
 * complain about: 0 ok, 1 warn, 2 fail, labelled with the subsystem, the check and the object
 * checked. The finding's text stays out of the labels: it changes, the series must not.
 *
 * @module
 */

import type { Env } from "../env.ts";
import { diagnose } from "../drivers/diagnose.ts";
import type { Verdict } from "../drivers/check.ts";
import type { Exposition } from "./exposition.ts";

/** A verdict as a number: 0 ok, 1 warn, 2 fail. */
export const VERDICT_VALUE: Readonly<Record<Verdict, number>> = { ok: 0, warn: 1, fail: 2 };

/**
 * Adds the doctor metrics.
 *
 * @param x The exposition.
 * @param env The environment.
 */
export function collectDoctor(x: Exposition, env: Env): void {
  const worst = new Map<string, { labels: Record<string, string>; value: number }>();
  for (const c of diagnose(env)) {
    const labels = { subsystem: c.subsystem, check: c.check, object: c.subject };
    const key = JSON.stringify(labels);
    const value = VERDICT_VALUE[c.verdict];
    if ((worst.get(key)?.value ?? -1) < value) worst.set(key, { labels, value });
  }
  const g = x.gauge(
    "wd_doctor_check",
    "Verdict of each wd doctor check: 0 ok, 1 warn, 2 fail (run wd doctor OBJECT for what to do).",
  );
  for (const { labels, value } of worst.values()) g.add(labels, value);
}
