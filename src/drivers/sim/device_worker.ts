/**
 * The device thread of the ZIP device model: it watches every started queue's doorbell,
 * executes new SQEs against process memory, writes results into the SQ slots and posts CQEs
 * with the phase bit, as the hardware does. It injects the faults of the simulation spec.
 *
 * Started by the machine as a `node:worker_threads` worker whose `workerData` is the
 * {@linkcode DeviceInit}; stopped through the shared control words. It never returns to its
 * event loop while running, so it talks back only through shared memory (control words,
 * completions, the log).
 *
 * @module
 */

import { isMainThread, workerData } from "node:worker_threads";

import { DB_CMD_CQ, DB_CMD_SQ, doorbellLayout } from "../hisi_qm/doorbell.ts";
import { decodeSqeRequest, encodeSqeResult, SQE_DWORDS, STATUS } from "../hisi_zip/sqe.ts";
import { type ExecDevice, execute } from "./execute.ts";
import { appendLog, DmaRegistry, H, Q, QSTATE, type SharedState, slotWord } from "./shared.ts";
import type { SimFault, SimSpec } from "./spec.ts";
import type { StreamInflater } from "./inflate_stream.ts";

/** The start message. */
export interface DeviceInit {
  /** Shared buffers. */
  shared: SharedState;
  /** Per device: hardware version and algorithm codes. */
  devices: { hwVersion: number; algCodes: number[] }[];
  /** The simulation spec (faults, instant mode). */
  spec: SimSpec;
}

interface QueueState {
  gen: number;
  slot: number;
  qid: number;
  qcType: number;
  dev: ExecDevice;
  sq: Uint32Array;
  cq: Uint16Array;
  status: Uint32Array;
  db: BigUint64Array;
  dbIndex: number;
  qnMask: number;
  sqDepth: number;
  cqDepth: number;
  sqHead: number;
  sqTail: number;
  cqTail: number;
  phase: number;
  lastDb: bigint;
  dead: boolean;
  /** Requests taken from the SQ and due later (`delay=MS`), oldest first. */
  backlog: { slot: number; due: number }[];
}

function view(lo: number, hi: number, length: number): ArrayBuffer {
  const p = Deno.UnsafePointer.create((BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0));
  return Deno.UnsafePointerView.getArrayBuffer(p!, length);
}

class Device {
  readonly #ctl: Int32Array;
  readonly #devs: ExecDevice[];
  readonly #faults: SimFault[];
  readonly #queues = new Map<number, QueueState>();
  #requests = 0;
  #doorbells = 0;

  constructor(init: DeviceInit) {
    this.#ctl = new Int32Array(init.shared.control);
    const registry = new DmaRegistry(init.shared.registry);
    const inflaters = new Map<number, StreamInflater>();
    const log = (message: string) => appendLog(init.shared.log, message);
    this.#devs = init.devices.map((d) => ({
      hwVersion: d.hwVersion,
      algCodes: new Set(d.algCodes),
      instant: init.spec.instant,
      registry,
      inflaters,
      log,
    }));
    this.#faults = init.spec.faults;
  }

  run(): void {
    const ctl = this.#ctl;
    let idleSince = performance.now();
    let sleepMs = 0.05;
    while (Atomics.load(ctl, H.RUN) === 1) {
      if (this.#pass()) {
        idleSince = performance.now();
        sleepMs = 0.05;
        continue;
      }
      if (performance.now() - idleSince < 0.01) continue; // spin briefly after activity
      const nextDue = this.#nextDue() - performance.now();
      Atomics.wait(ctl, H.WAKE, Atomics.load(ctl, H.WAKE), Math.max(0, Math.min(sleepMs, nextDue)));
      sleepMs = Math.min(1, sleepMs * 2);
    }
    for (const q of this.#queues.values()) this.#drop(q);
    Atomics.store(ctl, H.STOPPED, 1);
    Atomics.notify(ctl, H.STOPPED);
  }

  /** One pass over the queue table; true when anything happened. */
  #pass(): boolean {
    const ctl = this.#ctl;
    let did = false;
    const n = Atomics.load(ctl, H.SLOTS);
    for (let slot = 0; slot < n; slot++) {
      const state = Atomics.load(ctl, slotWord(slot, Q.STATE));
      const q = this.#queues.get(slot);
      if (state === QSTATE.STARTED) {
        const gen = Atomics.load(ctl, slotWord(slot, Q.GENERATION));
        const cur = q?.gen === gen ? q : this.#adopt(slot, gen);
        did = this.#service(cur) || did;
      } else if (q !== undefined || state === QSTATE.STOPPING) {
        if (q) this.#drop(q);
        if (state === QSTATE.STOPPING) {
          Atomics.store(
            ctl,
            slotWord(slot, Q.ACK),
            Atomics.load(ctl, slotWord(slot, Q.GENERATION)),
          );
          Atomics.notify(ctl, slotWord(slot, Q.ACK));
        }
      }
    }
    return did;
  }

  #adopt(slot: number, gen: number): QueueState {
    const w = (f: number) => Atomics.load(this.#ctl, slotWord(slot, f));
    const dusSize = w(Q.DUS_SIZE);
    const sqDepth = w(Q.SQ_DEPTH);
    const cqDepth = w(Q.CQ_DEPTH);
    const dus = view(w(Q.DUS_LO), w(Q.DUS_HI), dusSize);
    const hw = w(Q.HW_VERSION);
    const layout = doorbellLayout(hw);
    const q: QueueState = {
      gen,
      slot,
      qid: w(Q.QID),
      qcType: w(Q.QC_TYPE),
      dev: this.#devs[w(Q.DEVICE)]!,
      sq: new Uint32Array(dus, 0, (sqDepth * 128) / 4),
      cq: new Uint16Array(dus, sqDepth * 128, cqDepth * 8),
      status: new Uint32Array(dus, dusSize - 8, 2),
      db: new BigUint64Array(view(w(Q.MMIO_LO), w(Q.MMIO_HI), layout.offset + 8)),
      dbIndex: layout.offset / 8,
      qnMask: layout.qnMask,
      sqDepth,
      cqDepth,
      sqHead: 0,
      sqTail: 0,
      cqTail: 0,
      phase: 1,
      lastDb: 0n,
      dead: false,
      backlog: [],
    };
    // The kernel half zeroed the doorbell at START, so anything else was rung before we looked.
    this.#queues.set(slot, q);
    return q;
  }

  /** Drops a queue the kernel stopped, with the requests it had not done yet (as STOP does). */
  #drop(q: QueueState): void {
    if (q.backlog.length > 0) {
      q.dev.log(`queue ${q.qid}: stopped with ${q.backlog.length} requests not done; dropped`);
    }
    this.#queues.delete(q.slot);
  }

  /** When the earliest delayed request is due (Infinity when none is). */
  #nextDue(): number {
    let t = Infinity;
    for (const q of this.#queues.values()) t = Math.min(t, q.backlog[0]?.due ?? Infinity);
    return t;
  }

  #service(q: QueueState): boolean {
    if (q.dead) return false;
    const db = Atomics.load(q.db, q.dbIndex);
    if (db !== q.lastDb) {
      q.lastDb = db;
      this.#doorbells++;
      const { qn, cmd, index } = doorbellLayout(q.dev.hwVersion).decode(db);
      const injected = this.#faults.some((f) => f.kind === "qn" && f.at === this.#doorbells);
      if (injected || qn !== (q.qid & q.qnMask)) {
        q.dev.log(
          `queue ${q.qid}: doorbell carries queue number ${
            injected ? "(injected) " : ""
          }${qn}; queue stopped`,
        );
        this.#kill(q, 0);
        return true;
      }
      // MODEL: a command other than SQ or CQ, or an index beyond the depth, is a hardware error too.
      if (cmd > DB_CMD_CQ || index >= (cmd === DB_CMD_SQ ? q.sqDepth : q.cqDepth)) {
        q.dev.log(`queue ${q.qid}: doorbell with command ${cmd} index ${index}; queue stopped`);
        this.#kill(q, 0);
        return true;
      }
      if (cmd === DB_CMD_SQ) q.sqTail = index;
    }
    let did = false;
    const delay = this.#faults.find((f) => f.kind === "delay");
    while (q.sqHead !== q.sqTail && !q.dead) {
      if (Atomics.load(q.status, 1) === 1) return did; // ds_tx: the send side is stopped
      const slot = q.sqHead;
      q.sqHead = (q.sqHead + 1) % q.sqDepth;
      // A slow device (`delay=MS`) takes the request now and does it, memory accesses included,
      // MS later, unless the queue is stopped first. The thread never sleeps on one request,
      // so it serves every other queue, and the kernel's STOP, meanwhile.
      if (delay?.kind === "delay") q.backlog.push({ slot, due: performance.now() + delay.ms });
      else this.#process(q, slot);
      did = true;
    }
    const now = performance.now();
    while (!q.dead && q.backlog.length > 0 && q.backlog[0]!.due <= now) {
      this.#process(q, q.backlog.shift()!.slot);
      did = true;
    }
    return did;
  }

  #process(q: QueueState, slot: number): void {
    const n = ++this.#requests;
    const base = slot * SQE_DWORDS;
    const req = decodeSqeRequest(q.sq, base);
    const result = execute(req, q.qcType, q.dev);
    const injected = this.#faults.find((f) => f.kind === "status" && f.at === n);
    if (injected?.kind === "status") {
      result.status = injected.code;
      q.dev.log(
        `queue ${q.qid}: request ${n} completed with status 0x${
          injected.code.toString(16).padStart(2, "0")
        } (injected)`,
      );
    }
    if (result.produced > 0 && this.#faults.some((f) => f.kind === "corrupt" && f.at === n)) {
      const p = Deno.UnsafePointer.create(BigInt(req.dst + (result.produced >>> 1)));
      new Uint8Array(Deno.UnsafePointerView.getArrayBuffer(p!, 1))[0]! ^= 0x55;
      q.dev.log(`queue ${q.qid}: output of request ${n} corrupted (injected)`);
    }
    encodeSqeResult(q.sq, base, result);
    if (!this.#faults.some((f) => f.kind === "lose" && f.at === n)) this.#post(q, slot);
    else q.dev.log(`queue ${q.qid}: completion of request ${n} (slot ${slot}) lost (injected)`);
    for (const f of this.#faults) {
      if ((f.kind === "ds_tx" || f.kind === "ds_rx") && f.after === n) {
        q.dev.log(`queue ${q.qid}: ${f.kind} set after request ${n} (injected)`);
        this.#kill(q, f.kind === "ds_tx" ? 1 : 0);
      }
    }
    if (
      injected === undefined && result.status !== STATUS.OK &&
      result.status !== STATUS.DECOMP_END && result.status !== STATUS.NEGATIVE_COMPRESSION
    ) {
      q.dev.log(
        `queue ${q.qid}: request ${n} completed with status 0x${result.status.toString(16)}`,
      );
    }
  }

  #post(q: QueueState, slot: number): void {
    const e = q.cqTail * 8;
    q.cq[e + 4] = slot;
    q.cq[e + 5] = q.qid;
    Atomics.store(q.cq, e + 7, q.phase);
    if (++q.cqTail === q.cqDepth) {
      q.cqTail = 0;
      q.phase ^= 1;
    }
    const posted = slotWord(q.slot, Q.POSTED);
    Atomics.add(this.#ctl, posted, 1);
    Atomics.notify(this.#ctl, posted);
  }

  /** Stops serving a queue and raises its status word (0 = ds_rx, 1 = ds_tx). */
  #kill(q: QueueState, word: number): void {
    q.dead = true;
    Atomics.store(q.status, word, 1);
    const posted = slotWord(q.slot, Q.POSTED);
    Atomics.add(this.#ctl, posted, 1); // wake poll() so the driver sees it
    Atomics.notify(this.#ctl, posted);
  }
}

if (!isMainThread) new Device(workerData as DeviceInit).run();
