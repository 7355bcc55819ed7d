import assert from "node:assert/strict";
import { recordZipRun } from "../../src/metrics/usage.ts";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { runWd } from "../fixtures/run_wd.ts";
import { HOSTS, metricsOf, PINNED, simMetrics } from "./hosts.ts";
import { type ParsedFamily, parseExposition } from "./prom_parser.ts";
import { havePromtool, promtool } from "./validators.ts";

const CONTRIB = new URL("../../contrib/", import.meta.url).pathname;
const DASHBOARD = `${CONTRIB}grafana/wd-accelerators.json`;
const RULES = `${CONTRIB}prometheus/wd-alerts.yml`;
const NEED_PROMTOOL = havePromtool
  ? ""
  : " (ignored: promtool is not installed; apt-get install prometheus)";

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string }[];
}

const dashboard = JSON.parse(await Deno.readTextFile(DASHBOARD)) as {
  uid: string;
  title: string;
  schemaVersion: number;
  panels: Panel[];
  templating: { list: { name: string; type: string; query?: unknown }[] };
};
const exprs = dashboard.panels.flatMap((p) => p.targets?.map((t) => t.expr) ?? []);
const rulesText = await Deno.readTextFile(RULES);
const alertExprs = [...rulesText.matchAll(/^\s+expr: (?:\|\n((?:\s{10}.*\n)+)|(.*)\n)/gm)]
  .map((m) => (m[1] ?? m[2]!).replace(/\s+/g, " ").trim());

/** Every family wd prints on some host: the fixtures, the model, and a stats file with runs. */
async function everything(): Promise<Map<string, ParsedFamily>> {
  const all = new Map<string, ParsedFamily>();
  const add = (text: string) => {
    for (const [name, f] of parseExposition(text)) {
      const have = all.get(name);
      if (have === undefined) all.set(name, { ...f, samples: [...f.samples] });
      else have.samples.push(...f.samples);
    }
  };
  for (const name of Object.keys(HOSTS)) add((await metricsOf(name)).out);
  add((await simMetrics("v2")).out);
  using t = FakeRoot.create();
  const stats = t.path("stats.json");
  await recordZipRun(t.env().env, {
    engine: "hw",
    direction: "compress",
    bytesIn: 10,
    bytesOut: 5,
    fallbacks: ["device_error"],
  }, { path: stats });
  add((await runWd(t, ["metrics"], { ...PINNED, vars: { WD_STATS: stats } })).out);
  return all;
}

/** The `wd_` metrics a PromQL expression reads, with the label matchers it puts on each. */
function selectors(expr: string): { name: string; matchers: [string, string, string][] }[] {
  return [...expr.matchAll(/\b(wd_[a-z0-9_]+)(?:\{([^}]*)\})?/g)].map((m) => ({
    name: m[1]!,
    matchers: [...(m[2] ?? "").matchAll(/([a-z_]+)\s*(=~|!~|!=|=)\s*"([^"]*)"/g)].map((
      x,
    ) => [x[1]!, x[2]!, x[3]!] as [string, string, string]),
  }));
}

Deno.test("the Grafana dashboard is importable JSON: ids, layout, data source variable, queries", () => {
  assert.equal(dashboard.uid, "wd-accelerators");
  assert.ok(dashboard.schemaVersion >= 36);
  const ids = dashboard.panels.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, "panel ids are unique");
  const vars = dashboard.templating.list.map((v) => `${v.name}:${v.type}`);
  assert.deepEqual(vars, ["datasource:datasource", "instance:query"]);
  const cells = new Set<string>();
  for (const p of dashboard.panels) {
    const { h, w, x, y } = p.gridPos;
    assert.ok(x >= 0 && w > 0 && x + w <= 24, `${p.title} fits in 24 columns`);
    for (let r = y; r < y + h; r++) {
      for (let c = x; c < x + w; c++) {
        assert.ok(!cells.has(`${r},${c}`), `${p.title} overlaps another panel`);
        cells.add(`${r},${c}`);
      }
    }
    if (p.type === "row") continue;
    assert.deepEqual(p.datasource, { type: "prometheus", uid: "${datasource}" }, p.title);
    assert.ok((p.targets ?? []).length > 0, `${p.title} has a query`);
  }
  const titles = dashboard.panels.map((p) => p.title);
  for (
    const want of [
      "Hosts with a failing check",
      "Free uacce queues per host",
      "Fallbacks to software by reason",
      "Bytes read per second: hardware vs software",
    ]
  ) assert.ok(titles.includes(want), want);
});

Deno.test("every metric, label and label value the dashboard and the alert rules query exists in wd's output", async () => {
  const all = await everything();
  const used = [...exprs, ...alertExprs].flatMap(selectors);
  assert.ok(used.length > 20);
  for (const { name, matchers } of used) {
    const f = all.get(name);
    assert.ok(f, `${name} is not in wd metrics' output on any host`);
    for (const [label, op, value] of matchers) {
      if (label === "instance" || label === "job") continue; // Prometheus adds them
      const values = new Set(f.samples.map((s) => s.labels[label]).filter((v) => v !== undefined));
      assert.ok(values.size > 0, `${name} has no label ${label}`);
      if (op === "=") assert.ok(values.has(value), `${name}{${label}="${value}"} never appears`);
      if (op === "=~") {
        for (const v of value.split("|")) assert.ok(values.has(v), `${name}{${label}="${v}"}`);
      }
    }
  }
});

Deno.test(`the dashboard's queries and the alert rules are valid PromQL${NEED_PROMTOOL}`, {
  ignore: !havePromtool,
}, async () => {
  assert.deepEqual(await promtool(["check", "rules", RULES]), {
    code: 0,
    output: `Checking ${RULES}\n  SUCCESS: 7 rules found\n\n`,
  });
  const dir = await Deno.makeTempDir();
  const file = `${dir}/dashboard-rules.json`;
  const rules = exprs.map((e, i) => ({
    record: `dashboard:query_${i}`,
    expr: e.replaceAll("$__rate_interval", "5m").replaceAll("$__range", "1h").replaceAll(
      "$instance",
      ".*",
    ),
  }));
  await Deno.writeTextFile(file, JSON.stringify({ groups: [{ name: "dashboard", rules }] }));
  const r = await promtool(["check", "rules", file]);
  await Deno.remove(dir, { recursive: true });
  assert.equal(r.code, 0, r.output);
  assert.match(r.output, new RegExp(`SUCCESS: ${exprs.length} rules found`));
});

Deno.test(`the alert rules fire on wd's own output of an isolated device${NEED_PROMTOOL}`, {
  ignore: !havePromtool,
}, async () => {
  const f = parseExposition((await metricsOf("isolated")).out);
  const series = [...f.values()].flatMap((fam) =>
    fam.samples.map((s) => {
      const labels = { ...s.labels, instance: "host1:9100", job: "node" };
      const text = Object.entries(labels).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",");
      return { series: `${fam.name}{${text}}`, values: `${s.value}x40` };
    })
  );
  const on = { instance: "host1:9100", job: "node" };
  const test = {
    rule_files: [RULES],
    evaluation_interval: "1m",
    tests: [{
      interval: "1m",
      input_series: series,
      alert_rule_test: [
        {
          eval_time: "10m",
          alertname: "WdAcceleratorIsolated",
          exp_alerts: [{
            exp_labels: { ...on, severity: "critical", device: "hisi_zip-4" },
            exp_annotations: {
              summary: "hisi_zip-4 on host1:9100 was isolated by the kernel",
              description:
                "The kernel isolated hisi_zip-4 after repeated hardware errors; wd and UADK fall back to software. Read dmesg, then reset the function or reload the driver (wd doctor hisi_zip-4).",
            },
          }],
        },
        {
          eval_time: "20m",
          alertname: "WdDoctorCheckFailing",
          exp_alerts: [{
            exp_labels: {
              ...on,
              severity: "warning",
              subsystem: "uacce",
              check: "isolation",
              object: "hisi_zip-4",
            },
            exp_annotations: {
              summary: "wd doctor: isolation fails for hisi_zip-4 on host1:9100",
              description:
                "Run `wd doctor hisi_zip-4` on host1:9100: it says what is wrong and what to do.",
            },
          }],
        },
        { eval_time: "20m", alertname: "WdIdxdDeviceHalted", exp_alerts: [] },
        { eval_time: "40m", alertname: "WdNoFreeQueues", exp_alerts: [] },
      ],
    }],
  };
  const dir = await Deno.makeTempDir();
  await Deno.writeTextFile(`${dir}/test.json`, JSON.stringify(test));
  const r = await promtool(["test", "rules", `${dir}/test.json`]);
  await Deno.remove(dir, { recursive: true });
  assert.equal(r.code, 0, r.output);
});

Deno.test("the systemd units run wd metrics with options wd accepts", async () => {
  const units = ["wd-metrics.service", "wd-metrics-http.service", "wd-metrics.timer"];
  const text = Object.fromEntries(
    await Promise.all(
      units.map(async (u) => [u, await Deno.readTextFile(`${CONTRIB}systemd/${u}`)] as const),
    ),
  );
  assert.match(text["wd-metrics.timer"]!, /^OnUnitActiveSec=30s$/m);
  assert.match(text["wd-metrics.timer"]!, /^WantedBy=timers.target$/m);
  const exec = (u: string) =>
    /^ExecStart=\/usr\/local\/bin\/wd (.*)$/m.exec(text[u]!)![1]!.split(" ");
  using t = HOSTS["kunpeng920"]!(FakeRoot.create()).dir("textfile");
  const textfile = exec("wd-metrics.service").map((a) =>
    a.endsWith(".prom") ? t.path("textfile/wd.prom") : a
  );
  assert.deepEqual(textfile.slice(0, 2), ["metrics", "--textfile"]);
  const r = await runWd(t, textfile, PINNED);
  assert.deepEqual([r.code, r.err], [0, ""]);
  parseExposition(await Deno.readTextFile(t.path("textfile/wd.prom")));
  const http = exec("wd-metrics-http.service");
  assert.deepEqual(http.slice(0, 3), ["metrics", "--listen", ":9120"]);
  assert.ok(http.includes("--scrape-timeout"));
});

Deno.test("systemd-analyze verify accepts the units", {
  ignore: await new Deno.Command("systemd-analyze", { args: ["--version"], stdout: "null" })
    .output().then((o) => o.code !== 0, () => true),
}, async () => {
  const dir = await Deno.makeTempDir();
  const wd = new URL("../../bin/wd", import.meta.url).pathname;
  for (const u of ["wd-metrics.service", "wd-metrics.timer", "wd-metrics-http.service"]) {
    const text = await Deno.readTextFile(`${CONTRIB}systemd/${u}`);
    await Deno.writeTextFile(`${dir}/${u}`, text.replaceAll("/usr/local/bin/wd", wd));
  }
  for (const u of ["wd-metrics.service", "wd-metrics.timer", "wd-metrics-http.service"]) {
    const o = await new Deno.Command("systemd-analyze", {
      args: ["verify", `${dir}/${u}`],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(o.code, 0, `${u}: ${new TextDecoder().decode(o.stderr)}`);
  }
  await Deno.remove(dir, { recursive: true });
});
