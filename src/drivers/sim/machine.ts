/**
 * A simulated Kunpeng machine: a temporary root holding the sysfs and devfs of ZIP devices
 * (src/drivers/sim/sysfs.ts), a syscall layer that serves their nodes (the kernel half,
 * src/drivers/sim/kernel.ts) and a device thread that executes the queues' work
 * (src/drivers/sim/device_worker.ts). Everything else goes to libc, so discovery, queue, ring
 * and driver code run unchanged on it. `wd --sim` runs any command on one.
 *
 * @module
 */

// node:worker_threads, not the web Worker: only its workers can be unref'd, so a machine a
// script never closed does not keep the process alive (its tree is then removed at exit).
import { Worker as NodeWorker } from "node:worker_threads";
import { hostPath } from "../../env.ts";
import { libcSys, type Sys } from "../../ffi/sys.ts";
import { Mapping } from "../../ffi/mapping.ts";
import { ALG_CODE } from "../hisi_zip/sqe.ts";
import type { DeviceInit } from "./device_worker.ts";
import { type KernelDevice, SimKernel } from "./kernel.ts";
import { DmaRegistry, H, makeSharedState, readLog, type SharedState } from "./shared.ts";
import { type SimSpec } from "./spec.ts";
import { simDevices, writeSimTree } from "./sysfs.ts";

/** A running simulated machine. Close it to stop the device thread and delete its root. */
export class SimMachine implements Disposable {
  /** The root to read `sys/` and `dev/` under. */
  readonly root: string;
  /** The syscall layer serving the simulated devices. */
  readonly sys: Sys;
  /** The spec it was built from. */
  readonly spec: SimSpec;
  readonly #shared: SharedState;
  readonly #control: Int32Array;
  readonly #kernel: SimKernel;
  readonly #devices: KernelDevice[];
  readonly #base: Sys;
  readonly #errors: string[] = [];
  #worker: NodeWorker | undefined;
  #closed = false;

  private constructor(spec: SimSpec, base: Sys) {
    this.spec = spec;
    this.#base = base;
    removeStaleRoots();
    this.root = Deno.makeTempDirSync({ prefix: `wd-sim-${Deno.pid}-` });
    const specs = simDevices(spec, base.pageSize());
    writeSimTree(this.root, spec, specs, Math.max(1, base.cpuAffinity().length));
    this.#devices = specs.map((s, index) => ({
      index,
      spec: s,
      hwVersion: s.api === "hisi_qm_v3" ? 3 : 2,
      queues: spec.queues,
      used: new Set<number>(),
      nextQid: 0,
    }));
    this.#shared = makeSharedState();
    this.#control = new Int32Array(this.#shared.control);
    const registry = new DmaRegistry(this.#shared.registry);
    this.#kernel = new SimKernel({
      base,
      control: this.#control,
      ensureDevice: () => this.#startDevice(),
      publishAvailable: (d) => this.#publish(d),
      busy: spec.faults.some((f) => f.kind === "busy"),
    });
    this.sys = simSys(base, this.#kernel, registry, (path) => this.#deviceAt(path));
  }

  /**
   * Builds and starts a machine. The device thread starts with the first queue.
   *
   * @param spec What to simulate.
   * @param base The real syscall layer (libc by default).
   * @returns The machine.
   *
   * @example
   * ```ts
   * import { SimMachine } from "./machine.ts";
   * import { parseSimSpec } from "./spec.ts";
   * using sim = SimMachine.start(parseSimSpec("v2"));
   * console.log(Deno.readDirSync(`${sim.root}/sys/class/uacce`).toArray().length); // 2
   * ```
   */
  static start(spec: SimSpec, base: Sys = libcSys()): SimMachine {
    return new SimMachine(spec, base);
  }

  /** What the device reported (the model's kernel log), oldest first. */
  get log(): string[] {
    return [...readLog(this.#shared.log), ...this.#errors];
  }

  /** Queues open now, across all devices. */
  get openQueues(): number {
    return this.#kernel.openCount;
  }

  /** Stops the device thread, frees every queue and deletes the root. Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const ctl = this.#control;
    if (this.#worker !== undefined) {
      Atomics.store(ctl, H.RUN, 0);
      Atomics.add(ctl, H.WAKE, 1);
      Atomics.notify(ctl, H.WAKE);
      const deadline = performance.now() + 5000;
      while (Atomics.load(ctl, H.STOPPED) !== 1 && performance.now() < deadline) {
        Atomics.wait(ctl, H.STOPPED, 0, 10);
      }
      void this.#worker.terminate();
    }
    this.#kernel.closeAll();
    Deno.removeSync(this.root, { recursive: true });
  }

  /** Same as {@linkcode SimMachine.close}. */
  [Symbol.dispose](): void {
    this.close();
  }

  #deviceAt(path: string): KernelDevice | undefined {
    return this.#devices.find((d) => hostPath({ root: this.root }, `dev/${d.spec.name}`) === path);
  }

  #publish(d: KernelDevice): void {
    const path = hostPath(
      { root: this.root },
      `sys/class/uacce/${d.spec.name}/available_instances`,
    );
    Deno.writeTextFileSync(path, `${d.queues - d.used.size}\n`);
  }

  #startDevice(): void {
    if (this.#worker !== undefined) return;
    Atomics.store(this.#control, H.RUN, 1);
    const init: DeviceInit = {
      shared: this.#shared,
      devices: this.#devices.map((d) => ({
        hwVersion: d.hwVersion,
        algCodes: d.spec.algorithms.flatMap((a) =>
          a in ALG_CODE ? [ALG_CODE[a as keyof typeof ALG_CODE]] : []
        ),
      })),
      spec: this.spec,
    };
    const worker = new NodeWorker(new URL("./device_worker.ts", import.meta.url), {
      workerData: init,
    });
    worker.on("error", (e: unknown) => {
      this.#errors.push(`device thread failed: ${e instanceof Error ? e.message : String(e)}`);
    });
    worker.unref(); // the device never holds the process open: close() or exit stops it
    this.#worker = worker;
  }
}

/**
 * Deletes the roots of simulated machines whose process is gone (killed before it could clean
 * up: SIGKILL, a crash). A root is named `wd-sim-<pid>-<random>` in the temp directory.
 */
function removeStaleRoots(): void {
  const tmp = Deno.env.get("TMPDIR") ?? "/tmp";
  try {
    for (const e of Deno.readDirSync(tmp)) {
      const m = /^wd-sim-(\d+)-/.exec(e.name);
      if (!m || !e.isDirectory || Number(m[1]) === Deno.pid) continue;
      try {
        Deno.statSync(`/proc/${m[1]}`);
      } catch {
        Deno.removeSync(`${tmp}/${e.name}`, { recursive: true });
      }
    }
  } catch {
    // best effort: a temp directory we cannot list holds nothing of ours
  }
}

/** The machine's syscall layer: device nodes go to the kernel half, the rest to libc. */
function simSys(
  base: Sys,
  kernel: SimKernel,
  registry: DmaRegistry,
  deviceAt: (path: string) => KernelDevice | undefined,
): Sys {
  return {
    open(path, flags, mode) {
      const dev = deviceAt(path);
      return dev === undefined ? base.open(path, flags, mode) : kernel.open(dev, path, flags);
    },
    close: (fd) => kernel.owns(fd) ? kernel.close(fd) : base.close(fd),
    read: (fd, buf) => base.read(fd, buf),
    write: (fd, buf) => base.write(fd, buf),
    ioctl: (fd, request, arg) =>
      kernel.owns(fd) ? kernel.ioctl(fd, request, arg) : base.ioctl(fd, request, arg),
    mmap: (fd, length, offset, label) =>
      kernel.owns(fd)
        ? kernel.mmap(fd, length, offset, label ?? `offset ${offset} of ${kernel.pathOf(fd)}`)
        : base.mmap(fd, length, offset, label),
    mapAnonymous(length, label) {
      const m = base.mapAnonymous(length, label);
      const address = Number(m.address);
      registry.add(address, length);
      return new Mapping(Deno.UnsafePointer.create(m.address)!, length, () => {
        registry.remove(address);
        m.unmap();
      }, m.label);
    },
    poll: (fd, events, timeoutMs) =>
      kernel.owns(fd) ? kernel.poll(fd, timeoutMs) : base.poll(fd, events, timeoutMs),
    access: (path, mode) => base.access(path, mode),
    pageSize: () => base.pageSize(),
    cpuAffinity: () => base.cpuAffinity(),
    identity: () => base.identity(),
    pathOf: (fd) => kernel.pathOf(fd) ?? base.pathOf(fd),
  };
}
