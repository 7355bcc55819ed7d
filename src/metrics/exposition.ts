/**
 * The Prometheus text exposition format, version 0.0.4 (prometheus/docs
 * content/docs/instrumenting/exposition_formats.md): for each family a `# HELP` and a `# TYPE`
 * line, then its samples, one per line, `name{label="value",...} value`. Label values escape
 * `\`, `"` and newlines; HELP text escapes `\` and newlines. Families without samples are left
 * out, so a host without some hardware gets a smaller valid exposition, not empty families.
 *
 * @module
 */

/** The metric types wd exports. */
export type MetricType = "gauge" | "counter";

/** One sample: its labels (in output order) and its value. */
export interface Sample {
  /** Label name → value. */
  labels: Readonly<Record<string, string>>;
  /** The value. */
  value: number;
}

/** A metric family: every sample of one metric name. */
export interface Family {
  /** The metric name (`wd_uacce_available_instances`); counters end in `_total`. */
  name: string;
  /** What it measures, and where the value comes from. */
  help: string;
  /** `gauge` or `counter`. */
  type: MetricType;
  /** The samples. */
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/**
 * Collects the families of one exposition, in the order they are first used.
 *
 * @example
 * ```ts
 * import { Exposition } from "@wd/wd/low-level";
 * const x = new Exposition();
 * x.gauge("wd_uacce_available_instances", "Free queues.").add({ device: "hisi_zip-4" }, 64);
 * console.log(x.render());
 * ```
 */
export class Exposition {
  readonly #families = new Map<string, Family>();

  /**
   * A gauge family (made on first use).
   *
   * @param name The metric name.
   * @param help The HELP text.
   * @returns A writer adding samples to it.
   */
  gauge(name: string, help: string): FamilyWriter {
    return this.#family(name, help, "gauge");
  }

  /**
   * A counter family (made on first use); its name ends in `_total`.
   *
   * @param name The metric name.
   * @param help The HELP text.
   * @returns A writer adding samples to it.
   */
  counter(name: string, help: string): FamilyWriter {
    if (!name.endsWith("_total")) throw new Error(`Counter ${name} does not end in _total`);
    return this.#family(name, help, "counter");
  }

  /** The families, in order. */
  get families(): Family[] {
    return [...this.#families.values()];
  }

  /**
   * The exposition text.
   *
   * @returns Every family with samples, HELP and TYPE first, ending in a newline.
   */
  render(): string {
    return renderFamilies(this.families);
  }

  #family(name: string, help: string, type: MetricType): FamilyWriter {
    if (!NAME.test(name)) throw new Error(`Invalid metric name ${JSON.stringify(name)}`);
    let f = this.#families.get(name);
    if (f === undefined) {
      f = { name, help, type, samples: [] };
      this.#families.set(name, f);
    } else if (f.type !== type) {
      throw new Error(`Metric ${name} is both a ${f.type} and a ${type}`);
    }
    return new FamilyWriter(f);
  }
}

/** Adds samples to one family, refusing a label set it already has. */
export class FamilyWriter {
  readonly #family: Family;
  readonly #seen = new Set<string>();

  /**
   * Makes a writer.
   *
   * @param family The family to add to.
   */
  constructor(family: Family) {
    this.#family = family;
    for (const s of family.samples) this.#seen.add(labelText(s.labels));
  }

  /**
   * Adds a sample, unless the value is null (not known: the sample is left out, not zero).
   *
   * @param labels The labels.
   * @param value The value, or null.
   * @returns This writer.
   */
  add(labels: Record<string, string>, value: number | boolean | null): this {
    if (value === null) return this;
    for (const k of Object.keys(labels)) {
      if (!LABEL.test(k) || k.startsWith("__")) throw new Error(`Invalid label name ${k}`);
    }
    const key = labelText(labels);
    if (this.#seen.has(key)) throw new Error(`Duplicate sample ${this.#family.name}${key}`);
    this.#seen.add(key);
    this.#family.samples.push({
      labels,
      value: typeof value === "boolean" ? Number(value) : value,
    });
    return this;
  }
}

/**
 * Renders families in the text format.
 *
 * @param families The families; those without samples are left out.
 * @returns The text, ending in a newline (empty when no family has samples).
 */
export function renderFamilies(families: Family[]): string {
  let out = "";
  for (const f of families) {
    if (f.samples.length === 0) continue;
    out += `# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`;
    for (const s of f.samples) out += `${f.name}${labelText(s.labels)} ${valueText(s.value)}\n`;
  }
  return out;
}

function labelText(labels: Readonly<Record<string, string>>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`);
  return parts.length === 0 ? "" : `{${parts.join(",")}}`;
}

/**
 * Escapes a label value: backslash, double quote and newline.
 *
 * @param v The value.
 * @returns The escaped text.
 */
export function escapeLabel(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");
}

function valueText(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}
