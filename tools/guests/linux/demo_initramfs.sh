#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Usage: demo_initramfs.sh BUSYBOX OUT.cpio.gz
# The demo's initramfs: a static arm64 busybox and demo_init.sh as /init.
set -eu
busybox=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d "${TMPDIR:-/tmp}/demo-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin"
cp "$busybox" "$root/bin/busybox"
cp "$here/demo_init.sh" "$root/init"
chmod 755 "$root/init" "$root/bin/busybox"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
