/**
 * PCI ids of the HiSilicon accelerators that register with uacce.
 *
 * Source: drivers/crypto/hisilicon/{zip/zip_main.c,sec2/sec_main.c,hpre/hpre_main.c}
 * (`PCI_DEVICE_ID_HUAWEI_*`), vendor 0x19e5 (`PCI_VENDOR_ID_HUAWEI`).
 *
 * @module
 */

const HUAWEI = "0x19e5";

const DEVICES: Record<string, string> = {
  "0xa250": "HiSilicon ZIP engine (PF)",
  "0xa251": "HiSilicon ZIP engine (VF)",
  "0xa255": "HiSilicon SEC engine (PF)",
  "0xa256": "HiSilicon SEC engine (VF)",
  "0xa258": "HiSilicon HPRE engine (PF)",
  "0xa259": "HiSilicon HPRE engine (VF)",
};

/**
 * Names a PCI function by its ids.
 *
 * @param vendor The vendor id as sysfs prints it (`0x19e5`).
 * @param device The device id (`0xa250`).
 * @returns A description, or null when the ids are not a known accelerator.
 */
export function lookupIds(vendor: string | null, device: string | null): string | null {
  if (vendor?.toLowerCase() !== HUAWEI || device === null) return null;
  return DEVICES[device.toLowerCase()] ?? null;
}
