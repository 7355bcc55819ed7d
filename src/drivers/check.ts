/**
 * The shape of a diagnostic check, shared by every driver's diagnosis and `wd doctor`.
 *
 * @module
 */

/**
 * ok, warn or fail.
 *
 * @example
 * ```ts
 * import { diagnose, simulatedEnv, type Verdict } from "@wd/wd";
 * await using env = simulatedEnv("isolated");
 * const worst = diagnose(env).reduce<Verdict>(
 *   (w, c) => c.verdict === "fail" || w === "fail" ? "fail" : c.verdict === "warn" ? "warn" : w,
 *   "ok",
 * );
 * console.log(worst); // fail
 * ```
 */
export type Verdict = "ok" | "warn" | "fail";

/**
 * One diagnostic check and what to do when it is not ok.
 *
 * @example
 * ```ts
 * import { type Check, diagnoseUacce, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv();
 * const notOk: Check[] = diagnoseUacce(env).filter((c) => c.verdict !== "ok");
 * for (const c of notOk) console.log(`${c.verdict} ${c.subject} ${c.check}: ${c.detail}; ${c.advice}`);
 * ```
 */
export interface Check {
  /** Stable id of the check (`node-access`, `sva`, `driver-loaded`). */
  check: string;
  /** What was checked: a device, a driver, a subsystem. */
  subject: string;
  /** The verdict. */
  verdict: Verdict;
  /** What was found. */
  detail: string;
  /** One line saying what to do; null when ok. */
  advice: string | null;
}

/**
 * Builds a check.
 *
 * @param check The check id.
 * @param subject What was checked.
 * @param verdict The verdict.
 * @param detail What was found.
 * @param advice What to do (ignored for ok).
 * @returns The check.
 */
export function check(
  check: string,
  subject: string,
  verdict: Verdict,
  detail: string,
  advice: string | null = null,
): Check {
  return { check, subject, verdict, detail, advice: verdict === "ok" ? null : advice };
}

/**
 * Options of the diagnoses (`diagnose`, `diagnoseUacce`, `diagnoseMdev`, `diagnoseIdxd`).
 *
 * @example
 * ```ts
 * import { diagnose, type DiagnoseOptions, simulatedEnv } from "@wd/wd";
 * await using env = simulatedEnv();
 * const options: DiagnoseOptions = { device: "hisi_zip-5" };
 * console.log(diagnose(env, options).map((c) => c.check)); // [ "uacce-class", "driver", ..., "numa" ]
 * ```
 */
export interface DiagnoseOptions {
  /**
   * Check only this device: a uacce device (`hisi_zip-4`, `/dev/hisi_zip-4`) for
   * `diagnoseUacce`, an mdev parent for `diagnoseMdev`, a DSA/IAA device for `diagnoseIdxd`,
   * any of them for `diagnose`. A name that is not one is a `NotFoundError`.
   */
  device?: string | undefined;
}
