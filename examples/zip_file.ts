#!/usr/bin/env -S deno run -A
/**
 * Compresses a file to `FILE.gz` through wd's Web Streams, decompresses it back, checks the
 * round trip, and says what each stream did: the engine, why, any fallback to software and
 * its cause, bytes in and out (what `wd zip -v` prints).
 *
 *     bin/deno run -A examples/zip_file.ts README.md                 # software
 *     WD_SIM=v2 bin/deno run -A examples/zip_file.ts README.md auto  # the device model
 *     WD_SIM=lose@2 bin/deno run -A examples/zip_file.ts big.log hw  # a device that fails
 *
 * @module
 */

import { type EngineChoice, UnzipStream, type ZipReport, ZipStream } from "@wd/wd";

const [file, engineArg = "sw"] = Deno.args;
if (file === undefined || !["sw", "hw", "auto"].includes(engineArg)) {
  console.error("usage: zip_file.ts FILE [sw|hw|auto]");
  Deno.exit(2);
}
const engine = engineArg as EngineChoice;

function say(r: ZipReport): void {
  console.log(
    `${r.direction}: engine ${r.engine}${r.device ? ` on ${r.device}` : ""} (${r.reason})`,
  );
  console.log(`  ${r.bytesIn} bytes in, ${r.bytesOut} bytes out`);
  if (r.fallbacks.length > 0) console.log(`  fell back to software: ${r.fallbacks.join(", ")}`);
  for (const note of r.notes) console.log(`  note: ${note}`);
}

// Compress: file -> file.gz (written under a temporary name, renamed once complete).
const zip = new ZipStream({ engine, header: { name: file.replace(/^.*\//, ""), mtime: 0, os: 3 } });
const temp = `${file}.gz.tmp`;
{
  await using input = await Deno.open(file);
  const output = await Deno.open(temp, { write: true, create: true, truncate: true });
  await input.readable.pipeThrough(zip).pipeTo(output.writable);
}
await Deno.rename(temp, `${file}.gz`);
say(await zip.report);

// Decompress it back and compare with the original.
const unzip = new UnzipStream({ engine });
const gz = await Deno.open(`${file}.gz`);
const back = await new Response(gz.readable.pipeThrough(unzip)).bytes();
const original = await Deno.readFile(file);
const same = back.length === original.length && back.every((b, i) => b === original[i]);
say(await unzip.report);
console.log(same ? "round trip: identical" : "round trip: DIFFERENT");
if (!same) Deno.exit(1);
