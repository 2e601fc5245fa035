#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Benchmarks ghvmm side by side with QEMU TCG and the raw Unicorn engine,
# plus the libraries' micro-benchmarks; writes results.md, results.json and
# PNG plots into the output folder. See bench/README.md.
#
#   tools/bench.sh [--quick] [--reps N] [--out DIR] [--profile] [--no-build]
#
#   --quick      small guests, 3 repetitions, micro-benchmarks once (~1 min)
#   --reps N     repetitions of every run (default 5; --quick: 3)
#   --out DIR    output folder (default bench/out)
#   --profile    also record perf profiles of ghvmm (mmio, 4-vCPU smp)
#   --no-build   use the last -c opt build as it is
#
# Environment: BAZEL (default bazel), BAZEL_STARTUP_OPTS (e.g.
# "--output_base=$HOME/.cache/bazel-bench" to use a Bazel server of its own).
#
# Exit status: 0 when every run worked, however slow; 1 when a guest failed,
# hung or printed the wrong output, or a benchmark binary failed; 2 on usage.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
out=$top/bench/out
args=()
build=1
while [ $# -gt 0 ]; do
	case $1 in
	--quick | --profile) args+=("$1") ;;
	--reps) args+=(--reps "$2"); shift ;;
	--out) out=$2; shift ;;
	--no-build) build=0 ;;
	-h | --help) sed -n '4,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done

bazel=${BAZEL:-bazel}
read -r -a startup <<<"${BAZEL_STARTUP_OPTS:-}"
targets=(
	//tools/ghvmm:ghvmm //tools/guests:all //bench/guests:all //bench/raw:raw_unicorn
	//sim/bench:mmio_bench //vcpu/bench:run_loop_bench //devices/bench:bus_bench
)
cd "$top"
if [ "$build" = 1 ]; then
	echo "bench: building (-c opt)" >&2
	buildlog=$(mktemp)
	if ! "$bazel" "${startup[@]}" build -c opt "${targets[@]}" >"$buildlog" 2>&1; then
		cat "$buildlog" >&2
		rm -f "$buildlog"
		echo "bench: build failed" >&2
		exit 1
	fi
	rm -f "$buildlog"
fi
bin=$("$bazel" "${startup[@]}" info -c opt bazel-bin 2>/dev/null)
mkdir -p "$out"
exec python3 "$top/bench/run.py" --bin "$bin" --top "$top" --out "$out" "${args[@]}"
