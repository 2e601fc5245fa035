#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The README's commands:
#   tools/run.sh demo [linux|hello]  boot Debian's arm64 Linux (default) or the
#                                    tiny hello guest on the embedded simulator,
#                                    console here
#   tools/run.sh test                every test: default build, ASan+UBSan, the
#                                    kernel module under QEMU, the source checks
#                                    (tools/format.sh --check, check_readmes.sh)
#   tools/run.sh install [PREFIX]    ghvmm, the libraries' headers, static
#                                    libraries and pkg-config files (/usr/local)
# Each first installs what is missing (tools/setup.sh).
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

usage() {
	cat >&2 <<'USAGE'
usage: tools/run.sh demo [linux|hello] [GHVMM-OPTION...]
       tools/run.sh test [BAZEL-OPTION...]
       tools/run.sh install [PREFIX]
USAGE
	exit 2
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case $cmd in
demo | test | install) ;;
*) usage ;;
esac

tools/setup.sh

# CI and a terminal get the same output, without progress redraws.
bazel_flags=(--color=no --curses=no)

# build_quiet TARGET...: bazel build, its output shown only on failure.
build_quiet() {
	local log
	log=$(mktemp)
	if ! bazel build "${bazel_flags[@]}" "$@" >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		exit 1
	fi
	rm -f "$log"
}

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

# run_check LABEL COMMAND...: a check outside Bazel, counted as one.
run_check() {
	local label=$1
	shift
	echo "== $label"
	if "$@"; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		status=1
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
	run_check "tools/format.sh --check" tools/format.sh --check
	run_check "tools/check_readmes.sh" tools/check_readmes.sh
	echo "== test targets of both builds, kernel selftest cases, source checks"
	echo "$passed passed, $failed failed"
	exit "$status"
	;;
demo)
	guest=linux
	if [ $# -gt 0 ] && { [ "$1" = linux ] || [ "$1" = hello ]; }; then
		guest=$1
		shift
	fi
	build_quiet //tools/ghvmm:ghvmm //tools/guests:hello
	ghvmm=bazel-bin/tools/ghvmm/ghvmm
	kernel=
	if [ "$guest" = linux ]; then
		abi=$(cat .deps/kernel/ABI 2>/dev/null || true)
		kernel=.deps/kernel/boot/vmlinuz-$abi-arm64
		busybox=.deps/kernel/bin/busybox
		if [ -z "$abi" ] || [ ! -f "$kernel" ] || [ ! -f "$busybox" ]; then
			echo "demo: no Debian arm64 kernel and busybox in .deps/kernel" \
				"(tools/setup.sh could not fetch them): the hello guest instead"
			guest=hello
		fi
	fi
	if [ "$guest" = hello ]; then
		echo "== ghvmm run --kernel hello.elf: the hello guest on the embedded Gunyah simulator"
		exec "$ghvmm" run --kernel bazel-bin/tools/guests/hello.elf "$@"
	fi
	initrd=$(mktemp "${TMPDIR:-/tmp}/demo-initramfs.XXXXXX")
	trap 'rm -f "$initrd"' EXIT
	tools/guests/linux/demo_initramfs.sh "$busybox" "$initrd"
	# A terminal gets a shell; anything else a short scripted session.
	cmdline="console=ttyAMA0 panic=-1 quiet"
	if [ -t 0 ]; then
		cmdline="$cmdline ghvmm.demo=shell"
		echo "== Debian's arm64 Linux $abi on the embedded Gunyah simulator, 2 vCPUs;" \
			"Ctrl-D or 'poweroff' ends it, Ctrl-A x quits"
	else
		echo "== Debian's arm64 Linux $abi on the embedded Gunyah simulator, 2 vCPUs," \
			"a scripted session"
	fi
	t0=$(date +%s%N)
	set +e
	"$ghvmm" run --kernel "$kernel" --initrd "$initrd" --cmdline "$cmdline" \
		--mem 512M --cpus 2 "$@"
	rc=$?
	set -e
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	printf '== ghvmm exited %d after %d.%03d s\n' "$rc" $((ms / 1000)) $((ms % 1000))
	exit "$rc"
	;;
install)
	[ $# -le 1 ] || usage
	build_quiet //tools/install:stage
	tools/install/install.sh bazel-bin/tools/install bazel-bin/tools/ghvmm/ghvmm "${1:-/usr/local}"
	;;
*)
	usage
	;;
esac
