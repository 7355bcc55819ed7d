/**
 * The one libc symbol table. Loaded once, on first use, so commands that never make a
 * system call (help, usage errors) do not pay for `dlopen`.
 *
 * Only the checked wrappers in `./sys.ts` call these symbols.
 *
 * @module
 */

const symbols = {
  open: {
    parameters: [
      "buffer", // const char *pathname (NUL-terminated)
      "i32", // int flags
      "u32", // mode_t mode
    ],
    result: "i32",
  },
  close: { parameters: ["i32" /* int fd */], result: "i32" },
  read: {
    parameters: ["i32", /* int fd */ "buffer", /* void *buf */ "usize" /* size_t count */],
    result: "isize",
  },
  write: {
    parameters: ["i32", /* int fd */ "buffer", /* const void *buf */ "usize" /* size_t count */],
    result: "isize",
  },
  ioctl: {
    // int ioctl(int fd, unsigned long request, ...): variadic, but integer and pointer
    // arguments travel in the same registers as for a fixed signature on x86_64 and arm64.
    parameters: ["i32", /* int fd */ "u64", /* unsigned long request */ "buffer" /* void *arg */],
    result: "i32",
  },
  mmap: {
    parameters: [
      "pointer", // void *addr
      "usize", // size_t length
      "i32", // int prot
      "i32", // int flags
      "i32", // int fd
      "i64", // off_t offset
    ],
    result: "pointer",
  },
  munmap: { parameters: ["pointer", /* void *addr */ "usize" /* size_t length */], result: "i32" },
  poll: {
    parameters: [
      "buffer", /* struct pollfd *fds */
      "u64", /* nfds_t nfds */
      "i32", /* int timeout */
    ],
    result: "i32",
  },
  // The same poll(2), run on Deno's blocking pool so the event loop keeps turning. errno is
  // lost on that thread (docs/deno_ffi.md §1): callers only read revents.
  poll_nb: {
    name: "poll",
    parameters: [
      "buffer", /* struct pollfd *fds */
      "u64", /* nfds_t nfds */
      "i32", /* int timeout */
    ],
    result: "i32",
    nonblocking: true,
  },
  access: {
    parameters: ["buffer", /* const char *pathname */ "i32" /* int mode */],
    result: "i32",
  },
  sysconf: { parameters: ["i32" /* int name */], result: "i64" },
  geteuid: { parameters: [], result: "u32" },
  getegid: { parameters: [], result: "u32" },
  getgroups: { parameters: ["i32", /* int size */ "buffer" /* gid_t list[] */], result: "i32" },
  sched_getaffinity: {
    parameters: [
      "i32", /* pid_t pid */
      "usize", /* size_t cpusetsize */
      "buffer", /* cpu_set_t *mask */
    ],
    result: "i32",
  },
  clock_gettime: {
    parameters: ["i32", /* clockid_t clk_id */ "buffer" /* struct timespec *tp */],
    result: "i32",
  },
  renameat2: {
    parameters: [
      "i32", // int olddirfd
      "buffer", // const char *oldpath
      "i32", // int newdirfd
      "buffer", // const char *newpath
      "u32", // unsigned int flags
    ],
    result: "i32",
  },
  fdatasync: { parameters: ["i32" /* int fd */], result: "i32" },
  memcmp: {
    parameters: [
      "buffer",
      /* const void *s1 */ "buffer",
      /* const void *s2 */ "usize", /* size_t n */
    ],
    result: "i32",
  },
  __errno_location: { parameters: [], result: "pointer" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The loaded libc symbols. */
export type Libc = Deno.DynamicLibrary<typeof symbols>["symbols"];

let lib: Libc | undefined;
let errnoView: Deno.UnsafePointerView | undefined;

/**
 * The libc symbols, loaded on first call.
 *
 * @returns The symbol table.
 */
export function libc(): Libc {
  if (lib === undefined) {
    lib = Deno.dlopen("libc.so.6", symbols).symbols;
    const loc = lib.__errno_location();
    if (loc === null) throw new Error("Cannot locate errno: __errno_location returned NULL");
    errnoView = new Deno.UnsafePointerView(loc);
  }
  return lib;
}

/**
 * The calling thread's errno. Read it right after the failing call, with no `await` between:
 * only synchronous calls leave a meaningful value here.
 *
 * @returns The current errno.
 */
export function errno(): number {
  libc();
  return errnoView!.getInt32();
}

/** Encodes a path as a NUL-terminated C string. */
export function cString(s: string): Uint8Array<ArrayBuffer> {
  const bytes = new TextEncoder().encode(s);
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  return out;
}
