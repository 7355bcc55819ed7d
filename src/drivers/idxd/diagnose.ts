/**
 * What `wd doctor` says about DSA and IAA: device state, PASID (without it user work queues
 * cannot be enabled: `idxd_user_drv_probe` returns EOPNOTSUPP, cdev.c), the last admin command
 * error, and enabled user work queues whose `/dev` node udev did not create
 * (intel/idxd-config#8). A host without idxd gets no checks.
 *
 * @module
 */

import type { Env } from "../../env.ts";
import { checkEnv, checkOptions, checkType } from "../../validate.ts";
import { type Check, check, type DiagnoseOptions } from "../check.ts";
import type { IdxdDevice } from "./device.ts";
import { findIdxdDevice, idxdPresent, listIdxdDevices } from "./discover.ts";

/**
 * Checks every DSA/IAA device, or only one.
 *
 * @param env The environment.
 * @param options `device`: check only this DSA/IAA device (`dsa0`, `iax1`).
 * @returns The checks; none on a host without idxd (unless `device` is given).
 * @throws NotFoundError when `device` is no DSA/IAA device.
 *
 * @example
 * ```ts
 * import { diagnoseIdxd } from "@wd/wd";
 * import { FakeRoot, sapphireRapids } from "@wd/wd/testing";
 * using root = sapphireRapids(FakeRoot.create());
 * for (const c of diagnoseIdxd(root.env().env, { device: "dsa0" })) console.log(c.verdict, c.check);
 * ```
 */
export function diagnoseIdxd(env: Env, options: DiagnoseOptions = {}): Check[] {
  checkEnv("diagnoseIdxd", "env", env);
  checkOptions("diagnoseIdxd", options, ["device"]);
  checkType("diagnoseIdxd", "device", options.device, "string");
  const devices = options.device !== undefined
    ? [findIdxdDevice(env, options.device)]
    : idxdPresent(env)
    ? listIdxdDevices(env)
    : [];
  return devices.flatMap((d) => [
    stateCheck(d),
    pasidCheck(d),
    ...statusCheck(d),
    ...nodeChecks(d),
  ]);
}

function stateCheck(d: IdxdDevice): Check {
  switch (d.state) {
    case "enabled":
      return check("idxd-state", d.name, "ok", "enabled");
    case "halted":
      return check(
        "idxd-state",
        d.name,
        "fail",
        "halted after a hardware or software error",
        `read dmesg, then accel-config disable-device ${d.name} && accel-config enable-device ${d.name}`,
      );
  }
  return check(
    "idxd-state",
    d.name,
    "warn",
    `${d.state ?? "state unreadable"}: its work queues cannot be used`,
    `configure and enable it: accel-config load-config -c FILE -e, or accel-config enable-device ${d.name}`,
  );
}

function pasidCheck(d: IdxdDevice): Check {
  if (d.pasidEnabled === null && d.absent["pasid_enabled"] === "missing") {
    return check(
      "idxd-pasid",
      d.name,
      "warn",
      "no pasid_enabled: this kernel predates 5.11, which brought user PASID (SVA) and shared work queues",
      "for shared work queues and SVA, boot a 5.11 or later kernel",
    );
  }
  if (d.pasidEnabled === null) {
    return check(
      "idxd-pasid",
      d.name,
      "warn",
      `pasid_enabled unreadable (${d.absent["pasid_enabled"]})`,
      "check the kernel log",
    );
  }
  if (d.pasidEnabled) {
    return check("idxd-pasid", d.name, "ok", "PASID on: user work queues can be enabled");
  }
  const users = d.wqs.filter((w) => w.type === "user").map((w) => w.name);
  return check(
    "idxd-pasid",
    d.name,
    users.length > 0 ? "fail" : "warn",
    `PASID off: user work queues cannot be enabled${
      users.length > 0 ? ` (configured as user: ${users.join(", ")})` : ""
    }; kernel work queues still work`,
    "boot with intel_iommu=on,sm_on (scalable mode), keep idxd's sva parameter on, reload idxd; " +
      `dmesg says "Unable to turn on user SVA feature" when it fails`,
  );
}

function statusCheck(d: IdxdDevice): Check[] {
  if (d.cmdStatus === null || d.cmdStatusText === null) return [];
  return [
    check(
      "idxd-cmd-status",
      d.name,
      "warn",
      `last admin command failed: 0x${d.cmdStatus.toString(16)} (${d.cmdStatusText})`,
      "fix the configuration it names, then enable again; writing 0 to cmd_status clears it",
    ),
  ];
}

function nodeChecks(d: IdxdDevice): Check[] {
  return d.wqs.filter((w) => w.state === "enabled" && w.type === "user").map((w) =>
    w.devNodeExists
      ? check("idxd-wq-node", `${d.name}/${w.name}`, "ok", `${w.devNode} exists`)
      : check(
        "idxd-wq-node",
        `${d.name}/${w.name}`,
        "fail",
        `enabled user work queue without ${w.devNode}`,
        "udev did not create it: is systemd-udevd running and devtmpfs mounted on /dev? then udevadm trigger",
      )
  );
}
