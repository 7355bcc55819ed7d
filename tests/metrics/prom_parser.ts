/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for the tests: it throws on
 * anything the format (prometheus/docs exposition_formats.md) or Prometheus's own parser would
 * refuse, and on what promtool's linter flags in wd's output (a family without HELP or TYPE, a
 * counter not ending in `_total`, a family split in two, a duplicate series). The tests also run
 * promtool and Python's prometheus_client parser when they are installed.
 *
 * @module
 */

/** One parsed family. */
export interface ParsedFamily {
  /** The metric name. */
  name: string;
  /** `gauge`, `counter`, ... */
  type: string;
  /** The HELP text, unescaped. */
  help: string;
  /** The samples. */
  samples: { labels: Record<string, string>; value: number }[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const VALUE = /^(?:[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|NaN|[+-]Inf)$/;

/**
 * Parses an exposition.
 *
 * @param text The exposition.
 * @returns The families by name, in order.
 * @throws Error naming the line for anything malformed.
 */
export function parseExposition(text: string): Map<string, ParsedFamily> {
  if (text !== "" && !text.endsWith("\n")) throw new Error("the exposition does not end in \\n");
  const families = new Map<string, ParsedFamily>();
  const closed = new Set<string>();
  const series = new Set<string>();
  let current: string | null = null;
  const lines = text.split("\n").slice(0, -1);
  const open = (name: string, at: number) => {
    if (current !== name) {
      if (current !== null) closed.add(current);
      if (closed.has(name)) throw new Error(`line ${at}: family ${name} appears twice`);
      current = name;
    }
    let f = families.get(name);
    if (f === undefined) {
      f = { name, type: "", help: "", samples: [] };
      families.set(name, f);
    }
    return f;
  };
  lines.forEach((line, i) => {
    const at = i + 1;
    if (line.trim() === "") return;
    if (line.startsWith("#")) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (m === null) return; // a plain comment
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`line ${at}: invalid metric name ${name}`);
      const f = open(name, at);
      if (f.samples.length > 0) throw new Error(`line ${at}: ${kind} of ${name} after its samples`);
      if (kind === "HELP") {
        if (f.help !== "") throw new Error(`line ${at}: second HELP for ${name}`);
        if (/\\[^\\n]/.test(rest.replace(/\\\\/g, ""))) {
          throw new Error(`line ${at}: bad escape in HELP of ${name}`);
        }
        f.help = rest.replace(/\\(\\|n)/g, (_, c) => c === "n" ? "\n" : "\\");
      } else {
        if (f.type !== "") throw new Error(`line ${at}: second TYPE for ${name}`);
        if (!["counter", "gauge", "histogram", "summary", "untyped"].includes(rest)) {
          throw new Error(`line ${at}: unknown type ${rest}`);
        }
        f.type = rest;
      }
      return;
    }
    const { name, labels, value } = parseSample(line, at);
    const f = open(name, at);
    if (f.type === "" || f.help === "") {
      throw new Error(`line ${at}: sample of ${name} before its HELP and TYPE`);
    }
    const key = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (series.has(key)) throw new Error(`line ${at}: duplicate series ${line}`);
    series.add(key);
    if (f.type === "counter" && !(value >= 0)) throw new Error(`line ${at}: negative counter`);
    f.samples.push({ labels, value });
  });
  for (const f of families.values()) {
    if (f.type === "counter" && !f.name.endsWith("_total")) {
      throw new Error(`counter ${f.name} does not end in _total`);
    }
    if (f.type !== "counter" && /_(total|count|sum|bucket)$/.test(f.name)) {
      throw new Error(`${f.type} ${f.name} has a counter or histogram suffix`);
    }
    if (f.samples.length === 0) throw new Error(`family ${f.name} has no samples`);
  }
  return families;
}

function parseSample(
  line: string,
  at: number,
): { name: string; labels: Record<string, string>; value: number } {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{)?/.exec(line);
  if (m === null) throw new Error(`line ${at}: not a sample: ${line}`);
  const name = m[1]!;
  let i = name.length;
  const labels: Record<string, string> = {};
  if (m[2] === "{") {
    i++;
    while (line[i] !== "}") {
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(i));
      if (lm === null) throw new Error(`line ${at}: bad label at column ${i}: ${line}`);
      const key = lm[1]!;
      if (!LABEL.test(key) || key.startsWith("__")) throw new Error(`line ${at}: label ${key}`);
      if (key in labels) throw new Error(`line ${at}: label ${key} twice`);
      i += lm[0].length;
      let v = "";
      for (;;) {
        const c = line[i];
        if (c === undefined) throw new Error(`line ${at}: unterminated label value`);
        if (c === '"') break;
        if (c === "\\") {
          const e = line[i + 1];
          if (e === "\\" || e === '"') v += e;
          else if (e === "n") v += "\n";
          else throw new Error(`line ${at}: bad escape \\${e} in a label value`);
          i += 2;
          continue;
        }
        v += c;
        i++;
      }
      labels[key] = v;
      i++; // the closing quote
      if (line[i] === ",") i++;
      else if (line[i] !== "}") throw new Error(`line ${at}: expected , or } at column ${i}`);
    }
    i++;
  }
  const rest = line.slice(i);
  const vm = /^ (\S+)(?: (-?\d+))?$/.exec(rest);
  if (vm === null || !VALUE.test(vm[1]!)) throw new Error(`line ${at}: bad value: ${line}`);
  const text = vm[1]!;
  const value = text === "NaN"
    ? NaN
    : text === "+Inf"
    ? Infinity
    : text === "-Inf"
    ? -Infinity
    : Number(text);
  return { name, labels, value };
}

/**
 * The value of one series.
 *
 * @param families Parsed families.
 * @param name The metric name.
 * @param labels Labels the series must have (others may differ).
 * @returns The value, or undefined when no series matches.
 */
export function valueOf(
  families: Map<string, ParsedFamily>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return families.get(name)?.samples.find((s) =>
    Object.entries(labels).every(([k, v]) => s.labels[k] === v)
  )?.value;
}
