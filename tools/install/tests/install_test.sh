#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# tools/run.sh install, tested: install into a temporary prefix, boot the
# hello guest with the installed ghvmm (nothing of the Bazel tree on its
# library path), and build and run a program against the installed
# gunyah-devices and gunyah-uapi, and one against gunyah-backend, with
# pkg-config alone.
set -euo pipefail

r=${TEST_SRCDIR:?}/${TEST_WORKSPACE:?}
tmp=${TEST_TMPDIR:?}
prefix=$tmp/prefix
fail() { echo "FAIL: $*" >&2; exit 1; }
# Sanitizer builds: Unicorn's own leak is not ghvmm's.
export LSAN_OPTIONS=print_suppressions=0:suppressions=$r/third_party/unicorn.lsan.supp

"$r/tools/install/install.sh" "$r/tools/install" "$r/tools/ghvmm/ghvmm" "$prefix"

# The binary runs from the prefix alone.
runpath=$(readelf -d "$prefix/bin/ghvmm" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
[ "$runpath" = '$ORIGIN/../lib/gunyah-vmm' ] || fail "RUNPATH is '$runpath'"
found=$(ldd "$prefix/bin/ghvmm" | awk '$1 == "libunicorn.so.2" { print $3 }')
[ -n "$found" ] && [ "$(readlink -f "$found")" = "$(readlink -f "$prefix/lib/gunyah-vmm/libunicorn.so.2")" ] ||
	fail "ghvmm does not find its Unicorn in the prefix: $(ldd "$prefix/bin/ghvmm")"
cp "$prefix/bin/ghvmm" "$tmp/copied-ghvmm" # and a copy outside it does not
if "$tmp/copied-ghvmm" --help >/dev/null 2>&1; then
	ldd "$tmp/copied-ghvmm" | grep -q 'libunicorn.so.2 => /' ||
		fail "a copy outside the prefix started without a Unicorn"
fi
out=$("$prefix/bin/ghvmm" run --kernel "$r/tools/guests/hello.elf" </dev/null 2>&1) ||
	fail "the installed ghvmm failed: $out"
grep -q "Hello from a Gunyah guest!" <<<"$out" || fail "no greeting: $out"
echo "PASS: the installed ghvmm boots the hello guest"

# Every library has its pkg-config file, and each resolves.
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
for pc in "$prefix"/lib/pkgconfig/gunyah-*.pc; do
	pkg-config --exists --print-errors "$(basename "$pc" .pc)" || fail "$pc"
done
[ "$(ls "$prefix"/lib/pkgconfig/gunyah-*.pc | wc -l)" -ge 8 ] || fail "pkg-config files missing"

# A program outside Bazel, built against the installed copy. A sanitizer
# build's archives need the same sanitizer runtimes at link time, from the
# compiler that built them.
cflags=$(pkg-config --cflags gunyah-devices gunyah-uapi)
libs=$(pkg-config --libs --static gunyah-devices gunyah-uapi)
cc=${CC:-cc}
syms=$(nm "$prefix/lib/libgunyah-devices.a" 2>/dev/null || true)
san=
[[ $syms != *__asan_* ]] || san="$san,address"
[[ $syms != *__ubsan_* ]] || san="$san,undefined"
[[ $syms != *__tsan_* ]] || san="$san,thread"
[ -z "$san" ] || { cc=clang; libs="$libs -fsanitize=${san#,}"; }
$cc -std=c11 -Wall -Werror $cflags -o "$tmp/consumer" \
	"$r/tools/install/tests/consumer.c" $libs || fail "consumer does not build"
out=$("$tmp/consumer") || fail "consumer failed: $out"
[ "$(tail -n1 <<<"$out")" = ok ] || fail "consumer said: $out"
echo "PASS: a program builds against gunyah-devices and gunyah-uapi with pkg-config"

# The whole stack: the backend, the cores and the simulator, with Unicorn
# from the prefix's private directory.
libs=$(pkg-config --libs --static gunyah-backend)
[ -z "$san" ] || libs="$libs -fsanitize=${san#,}"
$cc -std=c11 -Wall -Werror $(pkg-config --cflags gunyah-backend) -o "$tmp/consumer_backend" \
	"$r/tools/install/tests/consumer_backend.c" $libs || fail "consumer_backend does not build"
out=$("$tmp/consumer_backend") || fail "consumer_backend failed: $out"
[ "$(tail -n1 <<<"$out")" = ok ] || fail "consumer_backend said: $out"
echo "PASS: a program builds against gunyah-backend with pkg-config and opens the simulator"
