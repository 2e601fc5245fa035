#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The tree's C and C++ in .clang-format's style:
#   tools/format.sh           reformat every tracked source file in place
#   tools/format.sh --check   list the files that differ; exit 1 if any
#   tools/format.sh FILE...   reformat just these
# Third-party code and guest assembly are left alone.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
cf=${CLANG_FORMAT:-clang-format}
command -v "$cf" >/dev/null || { echo "format: $cf not found (tools/setup.sh installs it)" >&2; exit 1; }

check=0
if [ "${1:-}" = --check ]; then
	check=1
	shift
fi
if [ $# -gt 0 ]; then
	files=("$@")
else
	mapfile -t files < <(git ls-files -- '*.c' '*.h' '*.cc' ':!:third_party/**')
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
