/**
 * The checksum forms of SQE dw31, which the device returns and the driver carries between
 * requests
 * (docs/zip_device_model.md, docs/hisi_zip_sqe.md §7).
 *
 * @module
 */

/**
 * Reverses the bit order of a 32-bit word.
 *
 * @param x The word.
 * @returns The reversed word, unsigned.
 */
export function bitReverse32(x: number): number {
  let v = x >>> 0;
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  return ((v >>> 16) | (v << 16)) >>> 0;
}

/**
 * The hardware form of a gzip CRC-32: the CRC register un-reflected, without the final XOR.
 * INFERRED (docs/hisi_zip_assumptions.md §2.11): UADK turns dw31 into the trailer with
 * `bitreverse32(~dw31)`, so dw31 = `~bitreverse32(crc)`.
 *
 * @param crc The standard CRC-32 (as in the gzip trailer).
 * @returns The dw31 value.
 */
export function crcToHw(crc: number): number {
  return (~bitReverse32(crc)) >>> 0;
}

/**
 * The standard CRC-32 from the dw31 hardware form.
 *
 * @param hw The dw31 value.
 * @returns The CRC-32 for the gzip trailer.
 */
export function crcFromHw(hw: number): number {
  return bitReverse32(~hw >>> 0);
}
