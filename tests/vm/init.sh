#!/bin/sh
# /init of the rig's guest (busybox sh). Mounts the kernel file systems, loads the real uacce
# core and the fake ZIP devices, runs every tests/vm/guest/*_test.ts in one `deno test`,
# unloads the modules, checks the kernel log, powers off. The host counts Deno's summary plus
# the "wd-rig: check NAME: ok|FAILED" lines, and needs "wd-rig: done" to see a complete run.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
export HOME=/tmp DENO_DIR=/deno-dir NO_COLOR=1 WD_VM_GUEST=1 WD_DENO=/bin/deno

check() {
  name=$1
  shift
  if "$@"; then echo "wd-rig: check $name: ok"; else echo "wd-rig: check $name: FAILED"; fi
}
kernel_log() { dmesg | grep -E 'fake_hisi_zip|uacce'; }
# Anything the kernel says when a module misbehaves.
kernel_clean() { ! dmesg | grep -E 'BUG|WARNING|Oops|Call Trace|general protection|refcount_t'; }
load() { insmod /lib/modules/uacce.ko && insmod /lib/modules/fake_hisi_zip.ko; }
unload() { rmmod fake_hisi_zip && rmmod uacce && [ ! -e /sys/class/uacce ]; }

echo "wd-rig: guest up: kernel $(uname -r), $(nproc) cpus, $(sed -n 's/MemTotal: *//p' /proc/meminfo)"
check modules-load load
kernel_log | sed 's/^/wd-rig: dmesg: /'
seen=$(kernel_log | wc -l)
echo "wd-rig: /sys/class/uacce: $(ls /sys/class/uacce 2>/dev/null | tr '\n' ' ')"

cd /wd || exit 1
filter=$(cat /etc/wd-rig-filter 2>/dev/null)
set -- deno test --no-check --cached-only -A tests/vm/guest/
[ -n "$filter" ] && set -- "$@" --filter "$filter"
echo "wd-rig: $*"
# Through a pipe, so Deno sees no terminal and prints each result once.
{
  "$@" 2>&1
  echo "wd-rig: deno test exit $?"
} | cat
kernel_log | tail -n +$((seen + 1)) | sed 's/^/wd-rig: dmesg: /'
check modules-unload unload
check kernel-log-clean kernel_clean
echo "wd-rig: done"
poweroff -f
