#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Usage: make_initramfs.sh BUSYBOX OUT.cpio.gz [MODULES_DIR [console]]
# A busybox initramfs whose /init prints one line and powers off.
# With MODULES_DIR (the kernel's lib/modules/<abi>), /init instead loads
# virtio_mmio, virtio_blk and virtio-rng and checks the devices ghvmm
# gives it for `--disk rw.img --disk ro.img,ro --rng`: one
# "ghvmm-virtio: <check> ok|FAIL ..." line per check, then powers off.
# With "console" as well, /init loads virtio_mmio and virtio_console for
# `--console virtio`, writes "ghvmm-vcon: hello from the guest" to
# /dev/hvc0, reads one line back from it, prints that line on the PL011
# console as "ghvmm-vcon: got <line>" and powers off.
set -eu
busybox=$1
out=$2
mods=${3:-}
mode=${4:-}
root=$(mktemp -d "${TMPDIR:-/tmp}/initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin"
cp "$busybox" "$root/bin/busybox"

# Copies module $1 (a path under kernel/, no .ko) to /lib/modules/<base>.ko,
# unpacked; fails unless every module its depends= names is built in.
add_module() {
	base=$(basename "$1")
	mkdir -p "$root/lib/modules"
	if [ -f "$mods/kernel/$1.ko" ]; then
		cp "$mods/kernel/$1.ko" "$root/lib/modules/$base.ko"
	elif [ -f "$mods/kernel/$1.ko.xz" ]; then
		xz -dc "$mods/kernel/$1.ko.xz" >"$root/lib/modules/$base.ko"
	elif [ -f "$mods/kernel/$1.ko.zst" ]; then
		zstd -qdc "$mods/kernel/$1.ko.zst" >"$root/lib/modules/$base.ko"
	else
		echo "no $1.ko in $mods" >&2
		return 1
	fi
	deps=$(tr '\0' '\n' <"$root/lib/modules/$base.ko" | sed -n 's/^depends=//p' | head -n 1)
	for d in $(echo "$deps" | tr ',' ' '); do
		if ! grep -q "/$d\.ko\$" "$mods/modules.builtin"; then
			echo "$1 depends on $d, not built in" >&2
			return 1
		fi
	done
}
if [ -z "$mods" ]; then
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox echo "ghvmm-linux-init: hello from /init"
/bin/busybox poweroff -f
INIT
elif [ "$mode" = console ]; then
add_module drivers/virtio/virtio_mmio
add_module drivers/char/virtio_console
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in virtio_mmio virtio_console; do
	insmod /lib/modules/$m.ko || echo "ghvmm-vcon: insmod-$m FAIL"
done
i=0
while [ $i -lt 50 ] && ! [ -c /dev/hvc0 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ -c /dev/hvc0 ]; then
	# One open for both directions; no echo, no output translation.
	exec 3<>/dev/hvc0
	stty -F /dev/hvc0 -echo -onlcr
	echo "ghvmm-vcon: hello from the guest" >&3
	if read -r line <&3; then
		echo "ghvmm-vcon: got $line"
	else
		echo "ghvmm-vcon: read FAIL"
	fi
	exec 3>&-
else
	echo "ghvmm-vcon: no /dev/hvc0 FAIL"
fi
poweroff -f
INIT
else
# virtio, virtio_ring and rng-core are built in (modules.builtin).
add_module drivers/virtio/virtio_mmio
add_module drivers/block/virtio_blk
add_module drivers/char/hw_random/virtio-rng
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mkdir -p /proc /sys /dev /tmp
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
say() { echo "ghvmm-virtio: $*"; }
check() { if [ "$2" = 0 ]; then say "$1 ok $3"; else say "$1 FAIL $3"; fi; }
for m in virtio_mmio virtio_blk virtio-rng; do
	insmod /lib/modules/$m.ko
	check "insmod-$m" $? ""
done
i=0
while [ $i -lt 50 ] && ! { [ -b /dev/vda ] && [ -b /dev/vdb ] && [ -c /dev/hwrng ]; }; do
	sleep 0.1
	i=$((i + 1))
done
# vda: read it all.
size=$(( $(cat /sys/block/vda/size) * 512 ))
sum=$(md5sum </dev/vda | cut -d' ' -f1)
[ -n "$sum" ] && [ "$size" -gt 0 ]
check vda-read $? "size=$size md5=$sum"
# vda: a pattern into sector 7, flushed, dropped from the cache, read back.
pat="ghvmm-virtio-pattern-sector-7"
printf '%s' "$pat" | dd of=/dev/vda bs=512 seek=7 conv=notrunc,fsync 2>/dev/null
w=$?
sync
blockdev --flushbufs /dev/vda
echo 3 >/proc/sys/vm/drop_caches
got=$(dd if=/dev/vda bs=512 skip=7 count=1 2>/dev/null | head -c ${#pat})
[ $w = 0 ] && [ "$got" = "$pat" ]
check vda-write $? "got=$got"
# vdb: read-only, so the kernel refuses to open it for writing.
ro=$(cat /sys/block/vdb/ro)
if printf 'x' | dd of=/dev/vdb bs=512 conv=notrunc,fsync 2>/dev/null; then
	r=1
else
	r=0
fi
[ "$ro" = 1 ] && [ $r = 0 ]
check vdb-readonly $? "ro=$ro"
# hwrng: a few bytes.
cur=$(cat /sys/class/misc/hw_random/rng_current)
n=$(dd if=/dev/hwrng bs=16 count=1 2>/dev/null | wc -c)
hex=$(dd if=/dev/hwrng bs=16 count=1 2>/dev/null | hexdump -v -e '/1 "%02x"')
[ "$n" = 16 ] && [ ${#hex} = 32 ] && [ "${cur#virtio_rng}" != "$cur" ]
check hwrng $? "rng=$cur bytes=$n hex=$hex"
# Each device took its completions as interrupts (GIC SPIs).
for d in virtio0 virtio1 virtio2; do
	n=$(grep " $d\$" /proc/interrupts | awk '{ print $2 }')
	[ -n "$n" ] && [ "$n" -gt 0 ]
	check "irq-$d" $? "count=$n"
done
say done
poweroff -f
INIT
fi
chmod +x "$root/init" "$root/bin/busybox"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) >"$out"
