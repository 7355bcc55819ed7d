// A tree under --root is not trusted: attributes that are devices, FIFOs, huge files or garbage
// are bounded, validated and shown escaped, never hang wd, grow its memory or reach a terminal.
import assert from "node:assert/strict";
import { findDevice } from "../../src/drivers/uacce/discover.ts";
import { parseInteger } from "../../src/drivers/sysfs.ts";
import { escapeText } from "../../src/cmd/render.ts";
import { FakeRoot } from "../../src/testing/fake_root.ts";
import { runWd } from "../fixtures/run_wd.ts";
import { kunpeng920 } from "../../src/testing/uacce_machines.ts";

const DIR = "sys/devices/pci0000:74/0000:74:00.0/0000:75:00.0/uacce/hisi_zip-4";

function hostile(): FakeRoot {
  const t = kunpeng920(FakeRoot.create());
  t.remove(`${DIR}/available_instances`);
  Deno.symlinkSync("/dev/zero", t.path(`${DIR}/available_instances`));
  t.remove(`${DIR}/algorithms`);
  new Deno.Command("mkfifo", { args: [t.path(`${DIR}/algorithms`)] }).outputSync();
  t.remove(`${DIR}/flags`);
  using f = Deno.openSync(t.path(`${DIR}/flags`), { write: true, create: true });
  f.truncateSync(100 << 20); // 100 MB
  t.file(`${DIR}/api`, "hisi_qm_v2\u001b]0;pwned\u0007\u001b[2J");
  t.file(`${DIR}/region_mmio_size`, "1".repeat(24));
  t.file(`${DIR}/region_dus_size`, "9".repeat(100_000));
  t.file(`${DIR}/isolate`, "-1");
  return t;
}

Deno.test("hostile attributes are bounded and marked malformed, never parsed as numbers", () => {
  using t = hostile();
  const d = findDevice(t.env().env, "hisi_zip-4");
  assert.equal(d.availableInstances, null);
  assert.equal(d.absent["available_instances"], "malformed: a character device");
  assert.equal(d.algorithms, null);
  assert.equal(d.absent["algorithms"], "malformed: a FIFO");
  assert.equal(d.flags, null);
  assert.equal(d.absent["flags"], "malformed: longer than 64 KiB");
  assert.equal(d.api, null);
  assert.match(
    d.absent["api"]!,
    /^malformed: "hisi_qm_v2\\u001b\]0;pwned\\u0007\\u001b\[2J" is not text$/,
  );
  assert.equal(d.regionMmioSize, null);
  assert.match(d.absent["region_mmio_size"]!, /is not an integer/);
  assert.equal(d.regionDusSize, null);
  assert.equal(d.isolate, null);
  assert.equal(d.isolated, false);
  assert.equal(d.absent["isolate"], "malformed: -1 is out of range (0 to 1)");
});

Deno.test("wd list and wd info on a hostile tree finish, print no control character and keep JSON numbers honest", async () => {
  using t = hostile();
  for (const args of [["list"], ["info", "hisi_zip-4"], ["doctor", "hisi_zip-4"]]) {
    const r = await runWd(t, args);
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(r.out + r.err, /[\u0000-\u0008\u000b-\u001f\u007f]/, args.join(" "));
  }
  const info = await runWd(t, ["info", "hisi_zip-4"]);
  assert.match(info.out, /malformed/);
  const json = JSON.parse((await runWd(t, ["info", "hisi_zip-4", "--json"])).out);
  assert.equal(json.region_mmio_size, null);
  assert.equal(json.available_instances, null);
  assert.equal(json.isolate, null);
});

Deno.test("parseInteger takes only integers a number holds exactly", () => {
  assert.equal(parseInteger("42"), 42);
  assert.equal(parseInteger("-1"), -1);
  assert.equal(parseInteger("0x1f"), 31);
  assert.equal(parseInteger("9007199254740991"), 9007199254740991);
  for (const bad of ["1e3", "9007199254740993", "1".repeat(24), "0x" + "f".repeat(20), "", "1.5"]) {
    assert.equal(parseInteger(bad), null, bad);
  }
});

Deno.test("escapeText makes control characters visible and leaves text alone", () => {
  assert.equal(escapeText("plain text, tabs\tand\nlines"), "plain text, tabs\tand\nlines");
  assert.equal(escapeText("a\u001b[31mb\u0007\u009b\ufffd"), "a\\x1b[31mb\\x07\\x9b\\ufffd");
});
