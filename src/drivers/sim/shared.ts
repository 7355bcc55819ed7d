/**
 * The memory the device model's two halves share: the main thread (the "kernel": open, ioctl,
 * mmap, poll) and the device thread (the "hardware": rings, doorbells, data). Plain words in
 * SharedArrayBuffers, read and written with Atomics.
 *
 * @module
 */

/** Most queues the model serves at once (all devices together). */
export const MAX_QUEUES = 256;
/** Words per queue slot in the control table. */
export const SLOT_WORDS = 16;
/** Words before the first slot. */
export const HEADER_WORDS = 16;

/** Control header words. */
export const H = {
  /** 1 while the device runs; the main thread writes 0 to stop it. */
  RUN: 0,
  /** Set by the device thread when it has stopped. */
  STOPPED: 1,
  /** Wake-up word: the main thread bumps it to cut the device's idle sleep short. */
  WAKE: 2,
  /** One past the highest queue slot in use, so the device scans no further. */
  SLOTS: 3,
} as const;

/** Queue slot words. */
export const Q = {
  /** {@linkcode QSTATE}. */
  STATE: 0,
  /** Bumped at every start, so the device resets its private ring state. */
  GENERATION: 1,
  QID: 2,
  QC_TYPE: 3,
  /** Index of the device (into the device list the worker got at start). */
  DEVICE: 4,
  HW_VERSION: 5,
  DUS_LO: 6,
  DUS_HI: 7,
  MMIO_LO: 8,
  MMIO_HI: 9,
  DUS_SIZE: 10,
  SQ_DEPTH: 11,
  CQ_DEPTH: 12,
  /** Completions posted so far; poll() waits on it. */
  POSTED: 13,
  /** Set by the device when it stops serving the queue after STOP was requested. */
  ACK: 14,
} as const;

/** Queue slot states. */
export const QSTATE = {
  FREE: 0,
  /** Started: the device serves it. */
  STARTED: 1,
  /** The kernel side asked the device to stop serving it; the device acks in Q.ACK. */
  STOPPING: 2,
} as const;

/** Word index of a queue slot's field. */
export function slotWord(slot: number, field: number): number {
  return HEADER_WORDS + slot * SLOT_WORDS + field;
}

/** The DMA registry: [0] seqlock, [1] count, then (address, length) pairs. */
export const REGISTRY_ENTRIES = 4096;

/** Bytes of the device's log ring. */
export const LOG_BYTES = 1 << 16;

/** The shared buffers, as sent to the device thread. */
export interface SharedState {
  /** Control header and queue table (Int32). */
  control: SharedArrayBuffer;
  /** DMA registry (Float64: addresses below 2^53). */
  registry: SharedArrayBuffer;
  /** The device's log: a byte count (Int32) then UTF-8 lines; the oldest are dropped when full. */
  log: SharedArrayBuffer;
}

/**
 * Makes the shared buffers.
 *
 * @returns Fresh, zeroed buffers.
 */
export function makeSharedState(): SharedState {
  return {
    control: new SharedArrayBuffer(4 * (HEADER_WORDS + MAX_QUEUES * SLOT_WORDS)),
    registry: new SharedArrayBuffer(8 * (2 + 2 * REGISTRY_ENTRIES)),
    log: new SharedArrayBuffer(4 + LOG_BYTES),
  };
}

/**
 * Appends a line to the device log (device thread).
 *
 * @param log The log buffer.
 * @param line The line.
 */
export function appendLog(log: SharedArrayBuffer, line: string): void {
  const count = new Int32Array(log, 0, 1);
  const bytes = new Uint8Array(log, 4);
  const text = new TextEncoder().encode(`${line}\n`).subarray(0, LOG_BYTES);
  let used = Atomics.load(count, 0);
  if (used + text.length > LOG_BYTES) {
    const keep = bytes.slice(used + text.length - LOG_BYTES, used);
    bytes.set(keep);
    used = keep.length;
  }
  bytes.set(text, used);
  Atomics.store(count, 0, used + text.length);
}

/**
 * The lines of the device log (main thread).
 *
 * @param log The log buffer.
 * @returns The lines, oldest first.
 */
export function readLog(log: SharedArrayBuffer): string[] {
  const used = Atomics.load(new Int32Array(log, 0, 1), 0);
  const text = new TextDecoder().decode(new Uint8Array(log, 4, used).slice());
  return text.split("\n").filter((l) => l.length > 0);
}

/**
 * The set of memory ranges the process gave the device (anonymous mappings made through the
 * model's `mapAnonymous`). The device refuses any other address, as an IOMMU refuses an
 * unmapped one. One writer (the main thread), readers retry around a seqlock.
 */
export class DmaRegistry {
  readonly #f: Float64Array;
  readonly #seq: Int32Array;

  /**
   * @param buffer The shared registry buffer.
   */
  constructor(buffer: SharedArrayBuffer) {
    this.#f = new Float64Array(buffer, 8);
    this.#seq = new Int32Array(buffer, 0, 2);
  }

  /** Adds a range (writer side). */
  add(address: number, length: number): void {
    this.#write(() => {
      const n = this.#seq[1]!;
      if (n >= REGISTRY_ENTRIES) throw new Error("device model: too many DMA mappings");
      this.#f[2 * n] = address;
      this.#f[2 * n + 1] = length;
      Atomics.store(this.#seq, 1, n + 1);
    });
  }

  /** Removes a range (writer side). */
  remove(address: number): void {
    this.#write(() => {
      const n = this.#seq[1]!;
      for (let i = 0; i < n; i++) {
        if (this.#f[2 * i] === address) {
          this.#f[2 * i] = this.#f[2 * (n - 1)]!;
          this.#f[2 * i + 1] = this.#f[2 * (n - 1) + 1]!;
          Atomics.store(this.#seq, 1, n - 1);
          return;
        }
      }
    });
  }

  /**
   * Whether [address, address + length) lies inside one registered range (reader side).
   *
   * @param address Start.
   * @param length Bytes.
   * @returns True when the whole range is mapped for the device.
   */
  contains(address: number, length: number): boolean {
    for (;;) {
      const before = Atomics.load(this.#seq, 0);
      if (before & 1) continue;
      const n = Atomics.load(this.#seq, 1);
      let found = false;
      for (let i = 0; i < n && !found; i++) {
        const a = this.#f[2 * i]!;
        found = address >= a && address + length <= a + this.#f[2 * i + 1]!;
      }
      if (Atomics.load(this.#seq, 0) === before) return found;
    }
  }

  #write(fn: () => void): void {
    Atomics.add(this.#seq, 0, 1);
    try {
      fn();
    } finally {
      Atomics.add(this.#seq, 0, 1);
    }
  }
}
