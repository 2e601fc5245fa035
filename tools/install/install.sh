#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Installs what //tools/install:stage built into a prefix:
#   install.sh STAGE GHVMM PREFIX
# STAGE: the directory holding the staged libraries (bazel-bin/tools/install),
# GHVMM: the ghvmm binary. Into PREFIX it puts
#   bin/ghvmm                    RUNPATH $ORIGIN/../lib/gunyah-vmm
#   lib/gunyah-vmm/libunicorn.*  the Unicorn ghvmm was built against
#   lib/libgunyah-*.a            one static library per library
#   lib/pkgconfig/gunyah-*.pc    one pkg-config file per library
#   include/{gunyah,linux}/...   their public headers
# and lists what it installed in lib/gunyah-vmm/installed-files.
set -euo pipefail

[ $# -eq 3 ] || { echo "usage: install.sh STAGE GHVMM PREFIX" >&2; exit 2; }
stage=$1
ghvmm=$2
prefix=$3

die() { echo "install: $*" >&2; exit 1; }
[ -d "$stage" ] || die "no staged libraries in $stage"
[ -x "$ghvmm" ] || die "no ghvmm binary at $ghvmm"
command -v patchelf >/dev/null || die "patchelf is missing (tools/setup.sh installs it)"
case $prefix in
/*) ;;
*) prefix=$(pwd)/$prefix ;;
esac

private=$prefix/lib/gunyah-vmm
mkdir -p "$prefix/bin" "$prefix/include" "$prefix/lib/pkgconfig" "$private"
manifest=$private/installed-files
: >"$manifest"
put() { # put SRC DEST MODE
	install -D -m "$3" "$1" "$2"
	echo "$2" >>"$manifest"
}

# The libraries: headers, archive, pkg-config file with the prefix filled in.
n=0
for lib in "$stage"/gunyah-*/; do
	name=$(basename "$lib")
	if [ -d "$lib/include" ]; then
		while IFS= read -r -d '' h; do
			put "$h" "$prefix/include/${h#"$lib/include/"}" 644
		done < <(find -L "$lib/include" -type f -print0)
	fi
	[ ! -f "$lib/lib/lib$name.a" ] || put "$lib/lib/lib$name.a" "$prefix/lib/lib$name.a" 644
	pc=$prefix/lib/pkgconfig/$name.pc
	sed "s#@PREFIX@#$prefix#g" "$lib/lib/pkgconfig/$name.pc.in" >"$pc"
	echo "$pc" >>"$manifest"
	n=$((n + 1))
done
[ "$n" -gt 0 ] || die "no staged libraries in $stage"

# ghvmm, and the Unicorn it was linked against next to it: Debian 12's own
# Unicorn is too old, so the one from .deps/ travels with the binary.
ghvmm=$(readlink -f "$ghvmm")
unicorn=$(ldd "$ghvmm" | awk '$1 == "libunicorn.so.2" { print $3 }')
[ -n "$unicorn" ] && [ -f "$unicorn" ] || die "$ghvmm: cannot find its libunicorn.so.2"
put "$(readlink -f "$unicorn")" "$private/libunicorn.so.2" 644
ln -sf libunicorn.so.2 "$private/libunicorn.so"
echo "$private/libunicorn.so" >>"$manifest"
put "$ghvmm" "$prefix/bin/ghvmm" 755
patchelf --set-rpath '$ORIGIN/../lib/gunyah-vmm' "$prefix/bin/ghvmm"

echo "install: ghvmm and $n libraries in $prefix ($(wc -l <"$manifest") files," \
	"listed in $manifest)"
