#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Builds gunyah.ko and gunyah_test_hyp.ko for arm64 (and, as a build-only
# check, for amd64 where the hvc transport is compiled out), builds the static
# aarch64 selftest, boots Debian's arm64 kernel under QEMU with a busybox
# initramfs that runs it, and ends with the selftest's "N passed, N failed"
# line. Exits non-zero on a build failure, a QEMU timeout, a failed case or a
# kernel warning. Needs a machine set up by tools/setup.sh. Any cwd.
set -euo pipefail

top=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)
kernel=$top/.deps/kernel
build=$top/kmod/build
qemu_timeout=${QEMU_TIMEOUT:-100}

die() {
	printf 'qemu_selftest: %s\n' "$*" >&2
	echo "0 passed, 1 failed"
	exit 1
}

[ -f "$kernel/ABI" ] || die "no $kernel/ABI: run tools/setup.sh"
abi=$(cat "$kernel/ABI")
kdir_arm64=$kernel/usr/src/linux-headers-$abi-arm64
kdir_amd64=$kernel/usr/src/linux-headers-$abi-amd64
image=$kernel/boot/vmlinuz-$abi-arm64
for f in "$kdir_arm64/Makefile" "$kdir_amd64/Makefile" "$image" "$kernel/bin/busybox"; do
	[ -e "$f" ] || die "missing $f: run tools/setup.sh"
done
mkdir -p "$build"

log=$build/qemu_selftest.log
: >"$log"
step() { printf 'qemu_selftest: %s\n' "$*"; }

step "building modules for arm64 ($abi)"
make -s -C "$top/kmod" -j2 KDIR="$kdir_arm64" BUILD="$build/arm64" GH_TESTS=1 \
	ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- DEB_BUILD_ARCH=amd64 \
	DEB_HOST_ARCH=arm64 DEB_HOST_GNU_TYPE=aarch64-linux-gnu >>"$log" 2>&1 ||
	{ tail -n 30 "$log"; die "arm64 module build failed"; }

step "building modules for amd64 (build-only check)"
make -s -C "$top/kmod" -j2 KDIR="$kdir_amd64" BUILD="$build/amd64" GH_TESTS=1 >>"$log" 2>&1 ||
	{ tail -n 30 "$log"; die "amd64 module build failed"; }

step "building the selftest"
cc=(aarch64-linux-gnu-gcc -static -O2 -Wall -Wextra -Werror -pthread)
conf=$top/conformance
# The later ABIs' conformance tables, each against its own <linux/gunyah.h>.
for abi in v17 android; do
	"${cc[@]}" -c -I"$top/uapi/$abi/include" -I"$conf/include" -I"$conf/src" \
		-DGH_CONFORMANCE_TABLE="gh_conformance_$abi" \
		-o "$build/conformance_$abi.o" "$conf/src/abi_desc.c" >>"$log" 2>&1 ||
		{ tail -n 30 "$log"; die "conformance table $abi: build failed"; }
done
"${cc[@]}" -I"$top/uapi/include" -I"$top/backend/include" -I"$top/backend/src" \
	-I"$conf/include" -I"$conf/src" \
	-o "$build/selftest" "$top/kmod/tests/selftest.c" \
	"$top/backend/src/backend.c" "$top/backend/src/dev_backend.c" \
	"$conf/src/run.c" "$conf/src/abi_seed.c" "$conf/src/on_backend.c" \
	"$build/conformance_v17.o" "$build/conformance_android.o" >>"$log" 2>&1 ||
	{ tail -n 30 "$log"; die "selftest build failed"; }

step "making the initramfs"
root=$build/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,dev,proc,sys,lib/modules/gunyah}
cp "$kernel/bin/busybox" "$root/bin/busybox"
cp "$build/selftest" "$root/bin/selftest"
cp "$build/arm64/gunyah.ko" "$build/arm64/gunyah_test_hyp.ko" "$root/lib/modules/gunyah/"
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
echo "# selftest start"
/bin/selftest /lib/modules/gunyah
echo "# selftest exit $?"
echo "# kernel problems: $(dmesg | grep -cE 'WARNING:|BUG:|Oops|Call trace|leaked')"
dmesg | grep -E 'WARNING:|BUG:|Oops|leaked' | sed 's/^/# dmesg: /'
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$build/initramfs.gz"

step "booting $image"
out=$build/qemu_console.log
set +e
timeout "$qemu_timeout" qemu-system-aarch64 -M virt -cpu cortex-a57 -m 512 -nographic \
	-nic none -no-reboot -kernel "$image" -initrd "$build/initramfs.gz" \
	-append "console=ttyAMA0 panic=-1 quiet" </dev/null >"$out" 2>&1
qrc=$?
set -e
tr -d '\r' <"$out" >"$out.txt"
grep -E '^(PASS|FAIL|#)' "$out.txt" | grep -v '^# selftest start' || true
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out.txt" | tail -n1 || true)
[ "$qrc" -eq 124 ] && { tail -n 20 "$out.txt"; die "QEMU timed out after ${qemu_timeout}s"; }
[ -n "$summary" ] || { tail -n 30 "$out.txt"; die "no summary line from the selftest (QEMU rc $qrc)"; }
problems=$(sed -n 's/^# kernel problems: //p' "$out.txt")
rc=0
[ "${problems:-1}" = 0 ] || { echo "qemu_selftest: the kernel logged ${problems:-?} problems"; rc=1; }
case $summary in
*" 0 failed") ;;
*) rc=1 ;;
esac
echo "$summary"
exit "$rc"
