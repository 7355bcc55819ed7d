/**
 * The exposition checked by the tools Prometheus users check it with, when they are installed:
 * `promtool check metrics` (Debian's `prometheus` package; .ci/run installs it when it can) and
 * the Python client's parser (`prometheus_client`, Debian's `python3-prometheus-client`). Tests
 * that need one are ignored, with the reason in their name, when it is missing.
 *
 * @module
 */

async function run(
  cmd: string,
  args: string[],
  stdin = "",
): Promise<{ code: number; out: string; err: string } | null> {
  try {
    const p = new Deno.Command(cmd, { args, stdin: "piped", stdout: "piped", stderr: "piped" })
      .spawn();
    const w = p.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
    const o = await p.output();
    const dec = new TextDecoder();
    return { code: o.code, out: dec.decode(o.stdout), err: dec.decode(o.stderr) };
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return null;
    throw err;
  }
}

const PY_PARSE = `
import json, sys
from prometheus_client.parser import text_string_to_metric_families
out = []
for f in text_string_to_metric_families(sys.stdin.read()):
    out.append({"name": f.name, "type": f.type, "samples": [
        {"name": s.name, "labels": s.labels, "value": s.value} for s in f.samples]})
print(json.dumps(out))
`;

/** Whether promtool is installed. */
export const havePromtool: boolean = (await run("promtool", ["--version"]))?.code === 0;

/** The Python interpreter that has prometheus_client, if any. */
const python: string | null = await (async () => {
  for (const py of ["python3", "/usr/bin/python3"]) {
    if ((await run(py, ["-c", "import prometheus_client.parser"]))?.code === 0) return py;
  }
  return null;
})();

/** Whether the Python client's parser is installed. */
export const havePythonClient: boolean = python !== null;

/**
 * `promtool check metrics` on an exposition.
 *
 * @param text The exposition.
 * @returns Its exit code and what it said (lint problems on stdout/stderr).
 */
export async function promtoolCheck(text: string): Promise<{ code: number; output: string }> {
  const r = (await run("promtool", ["check", "metrics"], text))!;
  return { code: r.code, output: r.out + r.err };
}

/**
 * `promtool` with any arguments (check rules, test rules).
 *
 * @param args The arguments.
 * @returns Its exit code and output.
 */
export async function promtool(args: string[]): Promise<{ code: number; output: string }> {
  const r = (await run("promtool", args))!;
  return { code: r.code, output: r.out + r.err };
}

/** A family as the Python client parses it (counters without `_total`, samples with it). */
export interface PyFamily {
  /** The family name. */
  name: string;
  /** Its type. */
  type: string;
  /** Its samples. */
  samples: { name: string; labels: Record<string, string>; value: number }[];
}

/**
 * Parses an exposition with the Python client's parser.
 *
 * @param text The exposition.
 * @returns The families, or throws with the parser's error.
 */
export async function pythonParse(text: string): Promise<PyFamily[]> {
  const r = (await run(python!, ["-c", PY_PARSE], text))!;
  if (r.code !== 0) throw new Error(`prometheus_client refused the exposition:\n${r.err}`);
  return JSON.parse(r.out) as PyFamily[];
}
