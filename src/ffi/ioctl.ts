/**
 * Linux ioctl request numbers, encoded as `_IOC` does on x86_64 and arm64.
 *
 * Layout (include/uapi/asm-generic/ioctl.h): `dir << 30 | size << 16 | type << 8 | nr`, with
 * dir 0 = none, 1 = write (user → kernel), 2 = read (kernel → user), 3 = both.
 *
 * @module
 */

const NRBITS = 8;
const TYPEBITS = 8;
const SIZEBITS = 14;
const NRSHIFT = 0;
const TYPESHIFT = NRSHIFT + NRBITS;
const SIZESHIFT = TYPESHIFT + TYPEBITS;
const DIRSHIFT = SIZESHIFT + SIZEBITS;

/** `_IOC_NONE`, `_IOC_WRITE`, `_IOC_READ`. */
export const IOC_NONE = 0;
/** Data flows from user space to the kernel. */
export const IOC_WRITE = 1;
/** Data flows from the kernel to user space. */
export const IOC_READ = 2;

function typeCode(type: string | number): number {
  const code = typeof type === "string" ? type.charCodeAt(0) : type;
  if (!Number.isInteger(code) || code < 0 || code > 0xff) {
    throw new RangeError(`Cannot encode ioctl type ${JSON.stringify(type)}: not one byte`);
  }
  return code;
}

/**
 * `_IOC(dir, type, nr, size)`: the general encoder.
 *
 * @param dir {@linkcode IOC_NONE}, {@linkcode IOC_WRITE}, {@linkcode IOC_READ} or both or'ed.
 * @param type The magic, one character such as `"W"` or its byte value.
 * @param nr The command number, 0–255.
 * @param size The argument size in bytes, below 16 KiB.
 * @returns The request number (always non-negative).
 *
 * @example UACCE_CMD_QM_SET_QP_CTX
 * ```ts
 * import { ioc, IOC_READ, IOC_WRITE } from "@wd/wd/low-level";
 * console.log(ioc(IOC_READ | IOC_WRITE, "H", 10, 4).toString(16)); // "c004480a"
 * ```
 */
export function ioc(dir: number, type: string | number, nr: number, size: number): number {
  if (!Number.isInteger(nr) || nr < 0 || nr > 0xff) {
    throw new RangeError(`Cannot encode ioctl number ${nr}: not 0-255`);
  }
  if (!Number.isInteger(size) || size < 0 || size >= 1 << SIZEBITS) {
    throw new RangeError(`Cannot encode ioctl size ${size}: not below ${1 << SIZEBITS}`);
  }
  // >>> 0 keeps the value unsigned once dir sets bit 31.
  return ((dir << DIRSHIFT) | (size << SIZESHIFT) | (typeCode(type) << TYPESHIFT) |
    (nr << NRSHIFT)) >>> 0;
}

/**
 * `_IO(type, nr)`: a command without an argument.
 *
 * @param type The magic character.
 * @param nr The command number.
 * @returns The request number.
 */
export function io(type: string | number, nr: number): number {
  return ioc(IOC_NONE, type, nr, 0);
}

/**
 * `_IOR(type, nr, size)`: the kernel writes `size` bytes to the argument.
 *
 * @param type The magic character.
 * @param nr The command number.
 * @param size The size of the argument struct.
 * @returns The request number.
 */
export function ior(type: string | number, nr: number, size: number): number {
  return ioc(IOC_READ, type, nr, size);
}

/**
 * `_IOW(type, nr, size)`: the kernel reads `size` bytes from the argument.
 *
 * @param type The magic character.
 * @param nr The command number.
 * @param size The size of the argument struct.
 * @returns The request number.
 */
export function iow(type: string | number, nr: number, size: number): number {
  return ioc(IOC_WRITE, type, nr, size);
}

/**
 * `_IOWR(type, nr, size)`: the argument is read and written back.
 *
 * @param type The magic character.
 * @param nr The command number.
 * @param size The size of the argument struct.
 * @returns The request number.
 */
export function iowr(type: string | number, nr: number, size: number): number {
  return ioc(IOC_READ | IOC_WRITE, type, nr, size);
}
