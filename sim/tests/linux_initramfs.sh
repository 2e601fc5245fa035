#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Usage: linux_initramfs.sh BUSYBOX OUT.cpio.gz
# A busybox initramfs whose /init prints one line and powers off.
set -eu
busybox=$1
out=$2
root=$(mktemp -d "${TMPDIR:-/tmp}/initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin"
cp "$busybox" "$root/bin/busybox"
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox echo "ghvmm-linux-init: hello from /init"
/bin/busybox poweroff -f
INIT
chmod +x "$root/init" "$root/bin/busybox"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
