/**
 * The syscall layer: an interface that the rest of wd calls, and its libc implementation.
 *
 * Every wrapper checks the return value and reads errno in the same synchronous turn, then
 * throws a {@linkcode SysError} naming the operation and the path. The device model
 * (src/drivers/sim) implements the same interface, so drivers run unchanged on it.
 *
 * @module
 */

import { cString, errno, libc } from "./libc.ts";
import { Mapping } from "./mapping.ts";
import { SysError } from "./sys_error.ts";

/** open(2) flags (identical on x86_64 and arm64). */
export const O_RDONLY = 0;
/** Open for writing only. */
export const O_WRONLY = 1;
/** Open for reading and writing. */
export const O_RDWR = 2;
/** Do not block on open or I/O. */
export const O_NONBLOCK = 0o4000;
/** Close on exec. */
export const O_CLOEXEC = 0o2000000;
/** `O_NOCTTY`: opening a terminal does not make it the controlling one. */
export const O_NOCTTY = 0o400;

/** mmap(2) protection bits. */
export const PROT_READ = 1;
/** Pages may be written. */
export const PROT_WRITE = 2;
/** Share the mapping (device memory, queue regions). */
export const MAP_SHARED = 1;
/** Private copy-on-write mapping. */
export const MAP_PRIVATE = 2;
/** Not backed by a file. */
export const MAP_ANONYMOUS = 0x20;
/** Fault every page in at mmap time. */
export const MAP_POPULATE = 0x8000;

/** poll(2) event bits. */
export const POLLIN = 0x1;
/** Error condition. */
export const POLLERR = 0x8;
/** Hang up. */
export const POLLHUP = 0x10;
/** Invalid fd. */
export const POLLNVAL = 0x20;
/** Normal data readable. */
export const POLLRDNORM = 0x40;

/** access(2) modes. */
export const R_OK = 4;
/** Write permission. */
export const W_OK = 2;

const SC_PAGESIZE = 30;
const SC_NPROCESSORS_ONLN = 84;
const CLOCK_MONOTONIC = 1;
const CLOCK_THREAD_CPUTIME_ID = 3;
const MAP_FAILED = 0xffffffffffffffffn;

/** The system calls wd makes. Implemented by libc and by the device model. */
export interface Sys {
  /** open(2). @returns the fd. @throws SysError */
  open(path: string, flags: number, mode?: number): number;
  /** close(2). @throws SysError */
  close(fd: number): void;
  /** read(2) into `buf`. @returns bytes read. @throws SysError */
  read(fd: number, buf: Uint8Array): number;
  /** write(2) from `buf`. @returns bytes written. @throws SysError */
  write(fd: number, buf: Uint8Array): number;
  /** ioctl(2) with an optional in/out argument struct. @returns the result. @throws SysError */
  ioctl(fd: number, request: number, arg?: Uint8Array): number;
  /** mmap(2) of `length` bytes of `fd` at byte `offset`, shared, read/write. @throws SysError */
  mmap(fd: number, length: number, offset: number, label?: string): Mapping;
  /** Anonymous private memory, every page faulted in (buffers a device reads or writes). */
  mapAnonymous(length: number, label?: string): Mapping;
  /**
   * poll(2) on one fd without blocking the event loop.
   * @returns revents, or 0 on timeout.
   */
  poll(fd: number, events: number, timeoutMs: number): Promise<number>;
  /** access(2). @returns 0 when allowed, else the errno. */
  access(path: string, mode: number): number;
  /** The system page size (never assumed: arm64 servers often use 64 KiB). */
  pageSize(): number;
  /** The CPUs this process may run on. */
  cpuAffinity(): number[];
  /** The effective user and group ids, and the supplementary groups. */
  identity(): { uid: number; gid: number; groups: number[] };
  /** The path an fd was opened on, for messages. */
  pathOf(fd: number): string;
}

class LibcSys implements Sys {
  #paths = new Map<number, string>();
  #pageSize = 0;

  open(path: string, flags: number, mode = 0): number {
    const fd = libc().open(cString(path), flags, mode);
    if (fd < 0) throw new SysError("open", errno(), path);
    this.#paths.set(fd, path);
    return fd;
  }

  close(fd: number): void {
    const path = this.pathOf(fd);
    this.#paths.delete(fd);
    if (libc().close(fd) < 0) throw new SysError("close", errno(), path);
  }

  read(fd: number, buf: Uint8Array): number {
    const n = libc().read(fd, buf, BigInt(buf.byteLength));
    if (n < 0n) throw new SysError("read", errno(), this.pathOf(fd));
    return Number(n);
  }

  write(fd: number, buf: Uint8Array): number {
    const n = libc().write(fd, buf, BigInt(buf.byteLength));
    if (n < 0n) throw new SysError("write", errno(), this.pathOf(fd));
    return Number(n);
  }

  ioctl(fd: number, request: number, arg?: Uint8Array): number {
    const r = libc().ioctl(fd, BigInt(request), arg ?? null);
    if (r < 0) {
      const e = errno();
      throw new SysError(`ioctl 0x${request.toString(16)} on`, e, this.pathOf(fd));
    }
    return r;
  }

  mmap(fd: number, length: number, offset: number, label?: string): Mapping {
    const what = label ?? `offset ${offset} of ${this.pathOf(fd)}`;
    const p = libc().mmap(
      null,
      BigInt(length),
      PROT_READ | PROT_WRITE,
      MAP_SHARED,
      fd,
      BigInt(offset),
    );
    if (p === null || BigInt(Deno.UnsafePointer.value(p)) === MAP_FAILED) {
      throw new SysError("mmap", errno(), what);
    }
    return new Mapping(p, length, munmap, what);
  }

  mapAnonymous(length: number, label = "anonymous memory"): Mapping {
    const p = libc().mmap(
      null,
      BigInt(length),
      PROT_READ | PROT_WRITE,
      MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
      -1,
      0n,
    );
    if (p === null || BigInt(Deno.UnsafePointer.value(p)) === MAP_FAILED) {
      throw new SysError(`mmap ${length} bytes of`, errno(), label);
    }
    return new Mapping(p, length, munmap, label);
  }

  async poll(fd: number, events: number, timeoutMs: number): Promise<number> {
    const pfd = new Uint8Array(8);
    const view = new DataView(pfd.buffer);
    view.setInt32(0, fd, true);
    view.setInt16(4, events, true);
    const r = await libc().poll_nb(pfd, 1n, Math.max(-1, Math.trunc(timeoutMs)));
    // errno is not readable after a nonblocking call; -1 is treated as EINTR (no event).
    if (r <= 0) return 0;
    return view.getUint16(6, true);
  }

  access(path: string, mode: number): number {
    return libc().access(cString(path), mode) === 0 ? 0 : errno();
  }

  pageSize(): number {
    if (this.#pageSize === 0) {
      const n = Number(libc().sysconf(SC_PAGESIZE));
      if (n <= 0) throw new SysError("sysconf _SC_PAGESIZE", errno());
      this.#pageSize = n;
    }
    return this.#pageSize;
  }

  cpuAffinity(): number[] {
    const bytes = 128; // 1024 CPUs, the glibc cpu_set_t size
    const mask = new Uint8Array(bytes);
    if (libc().sched_getaffinity(0, BigInt(bytes), mask) < 0) {
      throw new SysError("sched_getaffinity", errno());
    }
    const cpus: number[] = [];
    mask.forEach((b, i) => {
      for (let bit = 0; bit < 8; bit++) if (b & (1 << bit)) cpus.push(i * 8 + bit);
    });
    return cpus;
  }

  identity(): { uid: number; gid: number; groups: number[] } {
    const l = libc();
    const list = new Uint32Array(256);
    const n = l.getgroups(list.length, new Uint8Array(list.buffer));
    return {
      uid: l.geteuid(),
      gid: l.getegid(),
      groups: n > 0 ? Array.from(list.subarray(0, n)) : [],
    };
  }

  pathOf(fd: number): string {
    return this.#paths.get(fd) ?? `fd ${fd}`;
  }
}

function munmap(address: bigint, length: number): void {
  const p = Deno.UnsafePointer.create(address);
  if (libc().munmap(p, BigInt(length)) < 0) throw new SysError("munmap", errno());
}

let shared: LibcSys | undefined;

/**
 * The process's libc-backed syscall layer.
 *
 * @returns The shared instance.
 *
 * @example Page size
 * ```ts
 * import { libcSys } from "@wd/wd/low-level";
 * console.log(libcSys().pageSize()); // 4096 on x86_64, often 65536 on arm64 servers
 * ```
 */
export function libcSys(): Sys {
  return shared ??= new LibcSys();
}

/**
 * Nanoseconds of CPU time the calling thread has used (CLOCK_THREAD_CPUTIME_ID).
 * Benchmarks use it to charge wd only for its own work.
 *
 * @returns CPU time in nanoseconds.
 */
export function threadCpuNanos(): bigint {
  return clock(CLOCK_THREAD_CPUTIME_ID);
}

/**
 * Monotonic time in nanoseconds.
 *
 * @returns CLOCK_MONOTONIC in nanoseconds.
 */
export function monotonicNanos(): bigint {
  return clock(CLOCK_MONOTONIC);
}

/**
 * Online CPUs.
 *
 * @returns sysconf(_SC_NPROCESSORS_ONLN).
 */
export function onlineCpus(): number {
  return Number(libc().sysconf(SC_NPROCESSORS_ONLN));
}

function clock(id: number): bigint {
  const ts = new BigInt64Array(2);
  if (libc().clock_gettime(id, new Uint8Array(ts.buffer)) < 0) {
    throw new SysError("clock_gettime", errno());
  }
  return ts[0]! * 1_000_000_000n + ts[1]!;
}
