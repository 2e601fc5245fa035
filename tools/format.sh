#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The tree's C and C++ in .clang-format's style:
#   tools/format.sh           reformat every tracked source file in place
#   tools/format.sh --check   list the files that differ; exit 1 if any
#   tools/format.sh FILE...   reformat just these
# Third-party code, guest assembly and the headers it includes
# (sim/tests/guests/*.h) are left alone.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
cf=${CLANG_FORMAT:-clang-format}
command -v "$cf" >/dev/null || { echo "format: $cf not found (tools/setup.sh installs it)" >&2; exit 1; }

# The tracked C and C++ sources (every one below the top without git).
source_files() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		git ls-files -- '*.c' '*.h' '*.cc' ':!:third_party/**' ':!:sim/tests/guests/*.h'
	else
		find . \( -name .deps -o -name 'bazel-*' -o -name third_party -o -name .git \) -prune \
			-o -type f \( -name '*.c' -o -name '*.h' -o -name '*.cc' \) -print | sed 's#^\./##' |
			grep -v '^sim/tests/guests/.*\.h$' | sort
	fi
}

check=0
if [ "${1:-}" = --check ]; then
	check=1
	shift
fi
if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(source_files)
fi

if [ "$check" -eq 0 ]; then
	"$cf" -i --style=file "${files[@]}"
	exit 0
fi
bad=0
for f in "${files[@]}"; do
	if ! "$cf" --style=file --dry-run -Werror "$f" >/dev/null 2>&1; then
		echo "format: $f differs from .clang-format's style (tools/format.sh $f)"
		bad=$((bad + 1))
	fi
done
echo "format: ${#files[@]} files checked, $bad to reformat"
[ "$bad" -eq 0 ]
