/**
 * The sysfs and devfs of a simulated Kunpeng machine, laid out as the kernel lays them out
 * (drivers/misc/uacce/uacce.c, drivers/crypto/hisilicon/qm.c): a PCI function per ZIP engine,
 * its uacce child, `sys/class/uacce/<name>` linking to it, the module parameters, the IOMMU, the
 * NUMA nodes, and a node under `dev/` per device. Region sizes follow the real page size.
 *
 * @module
 */

import type { SimSpec } from "./spec.ts";

/** One simulated ZIP function. */
export interface SimDeviceSpec {
  /** uacce name. */
  name: string;
  /** PCI address. */
  bdf: string;
  /** NUMA node. */
  numaNode: number;
  /** `api`. */
  api: "hisi_qm_v2" | "hisi_qm_v3";
  /** `algorithms`. */
  algorithms: string[];
  /** `region_dus_size`. */
  dusSize: number;
  /** `region_mmio_size`. */
  mmioSize: number;
}

/** SQ 1024 × 128 B + CQ 1024 × 16 B + a status page, in whole pages (qm.c `qm_alloc_uacce()`). */
export function dusSizeFor(pageSize: number): number {
  return Math.floor((pageSize - 1 + 1024 * 128 + 1024 * 16 + pageSize) / pageSize) * pageSize;
}

/** v2/v3 without doorbell isolation: `PAGE_SIZE * (1 + 0x1000 / PAGE_SIZE)` (qm.c). */
export function mmioSizeFor(pageSize: number): number {
  return pageSize * (1 + Math.floor(0x1000 / pageSize));
}

/**
 * The devices of a spec's machine.
 *
 * @param spec The simulation spec.
 * @param pageSize The system page size.
 * @returns The devices.
 */
export function simDevices(spec: SimSpec, pageSize: number): SimDeviceSpec[] {
  const sizes = { dusSize: dusSizeFor(pageSize), mmioSize: mmioSizeFor(pageSize) };
  if (spec.flavour === "v3") {
    return [{
      name: "hisi_zip-2",
      bdf: "0000:75:00.0",
      numaNode: 0,
      api: "hisi_qm_v3",
      algorithms: ["zlib", "gzip", "deflate", "lz77_zstd"],
      ...sizes,
    }];
  }
  return [
    {
      name: "hisi_zip-4",
      bdf: "0000:75:00.0",
      numaNode: 0,
      api: "hisi_qm_v2",
      algorithms: ["zlib", "gzip"],
      ...sizes,
    },
    {
      name: "hisi_zip-5",
      bdf: "0000:b5:00.0",
      numaNode: 1,
      api: "hisi_qm_v2",
      algorithms: ["zlib", "gzip"],
      ...sizes,
    },
  ];
}

/**
 * Writes the machine's tree under `root`.
 *
 * @param root An empty directory.
 * @param spec The simulation spec.
 * @param devices The devices (from {@linkcode simDevices}).
 * @param cpus Online CPU count, split evenly over the NUMA nodes.
 */
export function writeSimTree(
  root: string,
  spec: SimSpec,
  devices: SimDeviceSpec[],
  cpus: number,
): void {
  const w = new TreeWriter(root);
  const nodes = Math.max(...devices.map((d) => d.numaNode)) + 1;
  for (const d of devices) {
    const [domain, bus] = d.bdf.split(":") as [string, string];
    const port = (parseInt(bus, 16) - 1).toString(16).padStart(2, "0");
    const fn = `sys/devices/pci${domain}:${port}/${domain}:${port}:00.0/${d.bdf}`;
    w.file(`${fn}/vendor`, "0x19e5").file(`${fn}/device`, "0xa250").file(
      `${fn}/numa_node`,
      d.numaNode,
    )
      .link(`${fn}/driver`, "sys/bus/pci/drivers/hisi_zip").link(`${fn}/subsystem`, "sys/bus/pci")
      .link(`sys/bus/pci/devices/${d.bdf}`, fn);
    const u = `${fn}/uacce/${d.name}`;
    w.file(`${u}/api`, d.api).file(`${u}/flags`, 1).file(`${u}/available_instances`, spec.queues)
      .file(`${u}/algorithms`, d.algorithms.join("\n")).file(`${u}/region_mmio_size`, d.mmioSize)
      .file(`${u}/region_dus_size`, d.dusSize).file(`${u}/isolate_strategy`, 0)
      .file(`${u}/isolate`, spec.faults.some((f) => f.kind === "isolated") ? 1 : 0)
      .link(`${u}/device`, fn).link(`${u}/subsystem`, "sys/class/uacce")
      .link(`sys/class/uacce/${d.name}`, u);
    w.file(`dev/${d.name}`, "", 0o600);
  }
  w.dir("sys/bus/pci/drivers/hisi_zip");
  w.file("sys/module/hisi_zip/parameters/uacce_mode", 1).file(
    "sys/module/hisi_zip/parameters/pf_q_num",
    spec.queues,
  );
  w.dir("sys/class/iommu/smmu3.0x0000000140000000");
  const per = Math.max(1, Math.floor(cpus / nodes));
  for (let n = 0; n < nodes; n++) {
    const lo = Math.min(n * per, cpus - 1);
    const hi = n === nodes - 1 ? cpus - 1 : Math.min(lo + per - 1, cpus - 1);
    w.file(`sys/devices/system/node/node${n}/cpulist`, lo === hi ? `${lo}` : `${lo}-${hi}`);
  }
}

/** Writes files, directories and relative symlinks under a root. */
class TreeWriter {
  constructor(readonly root: string) {}

  dir(rel: string): this {
    Deno.mkdirSync(`${this.root}/${rel}`, { recursive: true });
    return this;
  }

  file(rel: string, content: string | number, mode?: number): this {
    const p = `${this.root}/${rel}`;
    Deno.mkdirSync(p.slice(0, p.lastIndexOf("/")), { recursive: true });
    Deno.writeTextFileSync(p, content === "" ? "" : `${content}\n`);
    if (mode !== undefined) Deno.chmodSync(p, mode);
    return this;
  }

  link(rel: string, target: string): this {
    const from = rel.split("/").slice(0, -1);
    const to = target.split("/");
    let i = 0;
    while (i < from.length && i < to.length && from[i] === to[i]) i++;
    this.dir(from.join("/"));
    Deno.symlinkSync(
      [...from.slice(i).map(() => ".."), ...to.slice(i)].join("/"),
      `${this.root}/${rel}`,
    );
    return this;
  }
}
