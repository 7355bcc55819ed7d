/**
 * mdev UUIDs: the kernel names every mdev after its UUID in the canonical lower-case form
 * (`dev_set_name(&mdev->dev, "%pUl", uuid)` in drivers/vfio/mdev/mdev_core.c), and `create`
 * accepts exactly 36 characters, or 37 with a trailing newline (`create_store`, mdev_sysfs.c).
 *
 * @module
 */

import { UsageError } from "../../errors.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A UUID as the user typed it and as the kernel will name the device. */
export interface MdevUuid {
  /** The canonical lower-case form, the name of the mdev. */
  uuid: string;
  /** What was typed, when it differed only in case (upper-case input); null otherwise. */
  typed: string | null;
}

/**
 * Whether a string is a UUID in 8-4-4-4-12 hex form, in either case.
 *
 * @param text The string.
 * @returns True for a well-formed UUID.
 */
export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/**
 * Checks and canonicalises a UUID the user gave.
 *
 * @param text What the user typed.
 * @param use What it is for (the hint differs).
 * @returns The lower-case UUID, and the typed form when it was not lower case.
 * @throws WdError (usage) when it is not a UUID.
 *
 * @example
 * ```ts
 * import { parseUuid } from "@wd/wd/low-level";
 * console.log(parseUuid("83B8F4F2-509F-382F-3C1E-E6BFE0FA1001").uuid); // 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001
 * ```
 */
export function parseUuid(text: string, use: "create" | "remove" = "create"): MdevUuid {
  if (!isUuid(text)) {
    throw new UsageError(`Invalid UUID "${text}": expected 32 hex digits as 8-4-4-4-12`, {
      hint: use === "create"
        ? "such as 83b8f4f2-509f-382f-3c1e-e6bfe0fa1001, or none for a new one"
        : "give the UUID of an active mdev, as wd mdev list shows it",
    });
  }
  const uuid = text.toLowerCase();
  return { uuid, typed: uuid === text ? null : text };
}

/**
 * A new random UUID (version 4) in the kernel's form.
 *
 * @returns The UUID.
 */
export function newUuid(): string {
  return crypto.randomUUID();
}
