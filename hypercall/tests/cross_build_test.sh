#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Compiles hypercall/ for aarch64 with the `hvc #0` transport enabled, the way
# the kernel module builds it. It cannot run here; it must build, -Werror.
set -eu
src=$1
inc=$2
linux_inc=$3
cc=${CC:-clang}
tmp=${TEST_TMPDIR:-$(mktemp -d)}
# Freestanding has no libc <errno.h>: take the values from arm64's Linux
# headers, as a kernel build does.
mkdir -p "$tmp/shim"
echo '#include <linux/errno.h>' >"$tmp/shim/errno.h"
sys="-isystem $tmp/shim -isystem $linux_inc -isystem $linux_inc/aarch64-linux-gnu"
fails=0
passes=0
# shellcheck disable=SC2086
for f in "$src"/*.c; do
	if $cc --target=aarch64-none-elf -ffreestanding -std=c11 -Wall -Wextra -Werror \
		-Wmissing-prototypes -Wstrict-prototypes -Wvla -Wshadow \
		-DGH_HYPERCALL_HVC $sys -I "$inc" -I "$src" -c -o "$tmp/out.o" "$f"; then
		passes=$((passes + 1))
		echo "ok   aarch64 $(basename "$f")"
	else
		fails=$((fails + 1))
		echo "FAIL aarch64 $(basename "$f")"
	fi
done
# The kernel module is built with GCC: the hvc transport must build there too.
if command -v aarch64-linux-gnu-gcc >/dev/null; then
	# shellcheck disable=SC2086
	if aarch64-linux-gnu-gcc -ffreestanding -std=gnu11 -O2 -Wall -Wextra -Werror \
		-DGH_HYPERCALL_HVC $sys -I "$inc" -I "$src" -c -o "$tmp/gcc.o" \
		"$src/transport_hvc.c"; then
		passes=$((passes + 1))
		echo "ok   aarch64 transport_hvc.c with GCC"
	else
		fails=$((fails + 1))
		echo "FAIL aarch64 transport_hvc.c with GCC"
	fi
fi
# The hvc transport must really contain the instruction.
$cc --target=aarch64-none-elf -ffreestanding -std=c11 -O2 -DGH_HYPERCALL_HVC \
	-I "$inc" -I "$src" -c -o "$tmp/hvc.o" "$src/transport_hvc.c"
if llvm-objdump -d "$tmp/hvc.o" | grep -q "hvc"; then
	passes=$((passes + 1))
	echo "ok   transport_hvc.o contains hvc"
else
	fails=$((fails + 1))
	echo "FAIL transport_hvc.o has no hvc instruction"
fi
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
