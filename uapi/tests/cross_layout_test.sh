#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Checks each UAPI header (the seed's, v17's, Android's) on every machine ABI
# it serves, against the real Linux UAPI headers of each (Debian's
# linux-libc-dev of amd64, i386 and arm64):
#  - its layout test's size/offset asserts with -Wpadded -Werror, and
#  - the header alone as C89, C11 and C++.
# Usage: cross_layout_test.sh I386_INCLUDE ARM64_INCLUDE NAME LAYOUT.c UAPI_INCLUDE...
set -eu
i386_inc=$1
arm64_inc=$2
shift 2
cc=${CC:-clang}
fails=0
passes=0
tmp=${TEST_TMPDIR:-$(mktemp -d)}

check() {
	name=$1
	shift
	if "$@" 2>"$tmp/err"; then
		passes=$((passes + 1))
		echo "ok   $name"
	else
		fails=$((fails + 1))
		echo "FAIL $name"
		cat "$tmp/err"
	fi
}

printf '#include <linux/gunyah.h>\n' >"$tmp/alone.c"
while [ $# -ge 3 ]; do
abi=$1
layout=$2
uapi=$3
shift 3
for target in x86_64-linux-gnu i386-linux-gnu aarch64-linux-gnu; do
	case $target in
	x86_64*) inc="" ;;
	i386*) inc="-isystem $i386_inc -isystem $i386_inc/i386-linux-gnu" ;;
	aarch64*) inc="-isystem $arm64_inc -isystem $arm64_inc/aarch64-linux-gnu" ;;
	esac
	# shellcheck disable=SC2086
	check "$abi $target layout asserts, -Wpadded" $cc --target=$target $inc -std=c11 \
		-Wall -Wextra -Wpadded -Werror -fsyntax-only -DGH_LAYOUT_SYNTAX_ONLY \
		-I "$uapi" "$layout"
	for std in c89 c11; do
		# shellcheck disable=SC2086
		check "$abi $target header alone, -std=$std" $cc --target=$target $inc -std=$std \
			-Wall -Wextra -Wpadded -Werror -fsyntax-only -I "$uapi" "$tmp/alone.c"
	done
	# shellcheck disable=SC2086
	check "$abi $target header alone, C++11" $cc --target=$target $inc -x c++ -std=c++11 \
		-Wall -Wextra -Wpadded -Werror -fsyntax-only -I "$uapi" "$tmp/alone.c"
done
done
[ $# -eq 0 ] || { echo "FAIL trailing arguments: $*"; fails=$((fails + 1)); }
echo "$passes passed, $fails failed"
[ "$fails" -eq 0 ]
