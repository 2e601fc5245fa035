#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Each library package's README lists its files, and the list matches the
# tree: every tracked C, C++, assembly, header and shell file of the package
# (not of its subpackages) is named in its README.md, and every file the
# README names as `src/...`, `include/...`, `tests/...`, `fuzz/...` or
# `bench/...` exists. Prints what is missing; exits 1 if anything is.
#   tools/check_readmes.sh [PACKAGE...]   (default: every package with a README)
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

# tracked PATTERN...: the files git tracks that match (every match below
# the top without git).
tracked() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -- "$@"
	else
		local p
		for p in "$@"; do
			find . \( -name .deps -o -name 'bazel-*' -o -name .git \) -prune -o -type f \
				-path "./$p" -print
		done | sed 's#^\./##' | sort -u
	fi
}

if [ $# -gt 0 ]; then
	pkgs=("$@")
else
	mapfile -t pkgs < <(tracked '*/README.md' | xargs -n1 dirname |
		while read -r d; do [ -f "$d/BUILD.bazel" ] && echo "$d"; done | sort)
fi

bad=0
for pkg in "${pkgs[@]}"; do
	readme=$pkg/README.md
	# The package's own files: stop at subpackages (directories with a BUILD file).
	while IFS= read -r f; do
		rel=${f#"$pkg/"}
		dir=$(dirname "$f")
		sub=0
		while [ "$dir" != "$pkg" ] && [ "$dir" != . ]; do
			if [ -f "$dir/BUILD.bazel" ]; then sub=1; break; fi
			dir=$(dirname "$dir")
		done
		[ "$sub" -eq 0 ] || continue
		case $rel in
		*/corpus/* | README.md) continue ;;
		esac
		if ! grep -qF -- "$rel" "$readme" && ! grep -qF -- "\`$(basename "$rel")\`" "$readme"; then
			echo "check_readmes: $readme does not name $rel"
			bad=$((bad + 1))
		fi
	done < <(tracked "$pkg/*.c" "$pkg/*.h" "$pkg/*.cc" "$pkg/*.S" "$pkg/*.sh")
	# What the README names must exist.
	while IFS= read -r named; do
		if [ ! -e "$pkg/$named" ]; then
			echo "check_readmes: $readme names $named, which is not in $pkg/"
			bad=$((bad + 1))
		fi
	done < <(grep -oE '`(src|include|tests|fuzz|bench)/[A-Za-z0-9_./-]+\.(c|h|cc|S|sh)`' "$readme" |
		tr -d '`' | sort -u)
done
echo "check_readmes: ${#pkgs[@]} READMEs checked, $bad problems"
[ "$bad" -eq 0 ]
