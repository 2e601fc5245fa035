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

# run_tests LABEL BAZEL_ARGS...: one `bazel test`, its per-target summary
# counted into $passed / $failed.
passed=0
failed=0
status=0
run_tests() {
	local label=$1 log rc
	shift
	log=$(mktemp)
	echo "== bazel test $label"
	set +e
	bazel test "${bazel_flags[@]}" "$@" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e
	local p f
	p=$(grep -cE '^//[^ ]+ +(\(cached\) )?PASSED' "$log" || true)
	f=$(grep -cE '^//[^ ]+ +(\(cached\) )?(FAILED|TIMEOUT|NO STATUS|INCOMPLETE|FLAKY)' "$log" || true)
	rm -f "$log"
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$rc" -ne 0 ]; then
		status=1
		# A build failure leaves targets with no summary line: count it.
		[ "$f" -gt 0 ] || failed=$((failed + 1))
	fi
}

# The kernel module's selftest in Debian's arm64 kernel under QEMU: its
# cases are added to the count.
run_kmod_selftest() {
	local log rc line
	log=$(mktemp)
	echo "== kmod/tests/qemu_selftest.sh"
	set +e
	kmod/tests/qemu_selftest.sh 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	set -e
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n1)
	rm -f "$log"
	if [ -n "$line" ]; then
		passed=$((passed + $(echo "$line" | cut -d' ' -f1)))
		failed=$((failed + $(echo "$line" | cut -d' ' -f3)))
	fi
	if [ "$rc" -ne 0 ]; then
		status=1
		[ -n "$line" ] || failed=$((failed + 1))
	fi
}

case $cmd in
test)
	run_tests "//... (default build)" //... "$@"
	run_tests "//... --config=asan-ubsan" --config=asan-ubsan //... "$@"
	run_kmod_selftest
	echo "== test targets of both builds and kernel selftest cases"
	echo "$passed passed, $failed failed"
	exit "$status"
	;;
demo)
	log=$(mktemp)
	if ! bazel build "${bazel_flags[@]}" //tools/ghvmm:ghvmm //tools/guests:hello \
		>"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		exit 1
	fi
	rm -f "$log"
	echo "== ghvmm run --kernel hello.elf: the hello guest on the embedded Gunyah simulator"
	exec bazel-bin/tools/ghvmm/ghvmm run --kernel bazel-bin/tools/guests/hello.elf "$@"
	;;
*)
	usage
	;;
esac
