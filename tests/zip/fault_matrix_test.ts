// Every fault the device model injects, against every way wd zip/unzip uses the device: the
// output is byte-exact or the run fails with a clear error; inputs are kept unless the run
// succeeded, no partial file is left, and every queue goes back to the device.
// Fixtures are files set up and read back synchronously; blocking a test's event loop is harmless.
// deno-lint-ignore-file no-sync-fn-in-async-fn
import assert from "node:assert/strict";
import { runWdSim } from "../fixtures/run_wd.ts";
import { concat, nodeDecode, nodeEncode, noise, textLike } from "./zip_helpers.ts";

const DATA = concat(textLike(1_100_000, 21), noise(60_000, 5), textLike(200_000, 22));
/** Short enough that lost and late completions cost little, long enough for the model's thread. */
const VARS = { WD_TIMEOUT_MS: "400" };

const FAULTS = [
  "ds_tx@2",
  "ds_rx@2",
  "status=0x41@2",
  "status=0x0e@2",
  "delay=700",
  "lose@2",
  "qn@2",
  "corrupt@2",
  "busy",
  "isolated",
];

let wdOutput: Uint8Array | undefined;
async function wdGzip(): Promise<Uint8Array> {
  if (wdOutput) return wdOutput;
  const dir = Deno.makeTempDirSync();
  try {
    Deno.writeFileSync(`${dir}/d`, DATA);
    const r = await runWdSim("v2", ["zip", "--engine", "hw", "-c", `${dir}/d`]);
    assert.equal(r.code, 0, r.err);
    return wdOutput = r.bytes;
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

for (const fault of FAULTS) {
  Deno.test(`--sim=${fault}: zip, unzip of wd's and of foreign gzip, auto and hw, file and -c`, async () => {
    for (const work of ["zip", "unzip-wd", "unzip-foreign"] as const) {
      const input = work === "zip"
        ? DATA
        : work === "unzip-wd"
        ? await wdGzip()
        : nodeEncode("gzip", DATA);
      for (const engine of ["auto", "hw"] as const) {
        for (const toStdout of [false, true]) {
          const what = `${work} --engine ${engine}${toStdout ? " -c" : ""}`;
          const dir = Deno.makeTempDirSync();
          try {
            const name = work === "zip" ? "data" : "data.gz";
            Deno.writeFileSync(`${dir}/${name}`, input);
            const cmd = work === "zip" ? "zip" : "unzip";
            const args = [cmd, "--engine", engine, ...(toStdout ? ["-c"] : []), `${dir}/${name}`];
            const r = await runWdSim(`v2,${fault}`, args, VARS);
            const files = Array.from(Deno.readDirSync(dir), (e) => e.name).sort();
            assert.deepEqual(r.free, [64, 64], `${what}: every queue went back`);
            assert.ok(!files.some((f) => f.includes("wd-partial")), `${what}: no partial file`);
            const refused = engine === "hw" && (fault === "busy" || fault === "isolated");
            if (refused) {
              assert.equal(r.code, fault === "busy" ? 5 : 6, `${what}: ${r.err}`);
              assert.match(r.err, /^wd: error: Cannot use the hardware engine: /m, what);
              assert.deepEqual(files, [name], `${what}: input kept, nothing written`);
              assert.equal(r.bytes.length, 0, what);
              continue;
            }
            assert.equal(r.code, 0, `${what}: ${r.err}`);
            const out = toStdout
              ? r.bytes
              : Deno.readFileSync(`${dir}/${work === "zip" ? "data.gz" : "data"}`);
            const got = work === "zip" ? nodeDecode("gzip", out) : out;
            assert.ok(got.length === DATA.length && got.every((b, i) => b === DATA[i]), what);
            assert.deepEqual(
              files,
              toStdout ? [name] : [work === "zip" ? "data.gz" : "data"],
              `${what}: the input goes only when its output is complete`,
            );
          } finally {
            Deno.removeSync(dir, { recursive: true });
          }
        }
      }
    }
  });
}
