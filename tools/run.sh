#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The README's two commands:
#   tools/run.sh demo   boot a guest on the embedded simulator, console here
#   tools/run.sh test   every test: default build, then ASan+UBSan
# Each first installs what is missing (tools/setup.sh).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

usage() {
	echo "usage: tools/run.sh demo|test" >&2
	exit 2
}

[ $# -ge 1 ] || usage
cmd=$1
shift

tools/setup.sh

# CI and a terminal get the same output, without progress redraws.
bazel_flags=(--color=no --curses=no)

case $cmd in
test)
	echo "== bazel test //... (default build)"
	bazel test "${bazel_flags[@]}" //... "$@"
	echo "== bazel test //... --config=asan-ubsan"
	bazel test "${bazel_flags[@]}" --config=asan-ubsan //... "$@"
	;;
demo)
	if [ -f tools/ghvmm/BUILD.bazel ]; then
		bazel build "${bazel_flags[@]}" //tools/ghvmm:ghvmm //tools/guests:hello >&2
		exec bazel-bin/tools/ghvmm/ghvmm run --kernel bazel-bin/tools/guests/hello.elf "$@"
	fi
	echo "The VMM (tools/ghvmm) is not built yet. Once it is, this command boots"
	echo "the hello guest on the embedded simulator and shows its console."
	;;
*)
	usage
	;;
esac
