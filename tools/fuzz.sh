#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Fuzzes for real: every gh_fuzz_test target (or the ones named), one after
# the other, with libFuzzer (--config=fuzz), growing each target's corpus in
# the tree and minimising it at the end.
#   tools/fuzz.sh [SECONDS] [TARGET...]
# SECONDS: per target (default 60). TARGET: a label (//devices:pl011_fuzz) or
# a bare name (pl011_fuzz); default every target.
#
# Per target: builds it, runs it for SECONDS on one core with its corpus
# directory (gh_fuzz_test's corpus_dir) as seed, then merges (-merge=1) the
# seeds and everything it found into a fresh directory and makes that the
# tree's corpus: named files (seeds, regression cases) always stay; the
# merged, hash-named files replace the old hash-named ones: the smallest
# GH_FUZZ_MAX_FILES (100) of them, none over GH_FUZZ_MAX_LEN bytes (16384).
# Prints one line per target: executions, exec/s, corpus files and bytes,
# and whether the run was clean. Exits 1 if any target crashed, leaked,
# timed out or ran out of memory; its artefacts (crash-*, leak-*, ...) and
# the logs are kept in $GH_FUZZ_OUT/<target>/ (default /var/tmp/gunyah-fuzz).
#
# Environment:
#   GH_FUZZ_RUNS=N        stop each target after N executions (SECONDS is then
#                         the upper bound)
#   GH_FUZZ_OUT=DIR       artefacts, logs and scratch (outside the tree)
#   GH_FUZZ_MAX_FILES=N, GH_FUZZ_MAX_LEN=BYTES  the corpus caps above
#   GH_FUZZ_ARGS="..."    more libFuzzer flags for every run
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"

secs=60
if [ $# -gt 0 ] && [[ $1 =~ ^[0-9]+$ ]]; then
	secs=$1
	shift
fi
out=${GH_FUZZ_OUT:-/var/tmp/gunyah-fuzz}
max_files=${GH_FUZZ_MAX_FILES:-100}
max_len=${GH_FUZZ_MAX_LEN:-16384}
runs=${GH_FUZZ_RUNS:-}
case $out in
"$top" | "$top"/*)
	echo "fuzz: GH_FUZZ_OUT must be outside the tree" >&2
	exit 2
	;;
esac

# Every gh_fuzz_test in the tree as "//pkg:name corpus_dir", from the BUILD
# files (the corpus directory is an argument of the macro, not a query-able
# attribute of the cc_test it makes).
all_targets() {
	git ls-files -- '*BUILD.bazel' ':!:third_party/**' | while read -r build; do
		pkg=$(dirname "$build")
		awk -v pkg="$pkg" '
			/^gh_fuzz_test\(/ { in_rule = 1; name = ""; corpus = ""; next }
			in_rule && /^\)/ {
				if (name != "" && corpus != "") print "//" pkg ":" name, pkg "/" corpus
				in_rule = 0
			}
			in_rule && match($0, /name = "[^"]*"/) {
				name = substr($0, RSTART + 8, RLENGTH - 9)
			}
			in_rule && match($0, /corpus_dir = "[^"]*"/) {
				corpus = substr($0, RSTART + 14, RLENGTH - 15)
			}' "$build"
	done
}

mapfile -t known < <(all_targets)
if [ ${#known[@]} -eq 0 ]; then
	echo "fuzz: no gh_fuzz_test targets found" >&2
	exit 2
fi
selected=()
if [ $# -eq 0 ]; then
	selected=("${known[@]}")
else
	for want in "$@"; do
		hit=
		for k in "${known[@]}"; do
			label=${k%% *}
			if [ "$want" = "$label" ] || [ "$want" = "${label##*:}" ]; then
				hit=$k
			fi
		done
		if [ -z "$hit" ]; then
			echo "fuzz: no fuzz target '$want'; there are:" >&2
			printf '  %s\n' "${known[@]%% *}" >&2
			exit 2
		fi
		selected+=("$hit")
	done
fi

labels=()
for s in "${selected[@]}"; do
	labels+=("${s%% *}")
done
echo "fuzz: building ${#labels[@]} target(s) with --config=fuzz" >&2
bazel build --config=fuzz "${labels[@]}" >&2
bin=$(bazel info --config=fuzz bazel-bin 2>/dev/null)

is_hash_name() {
	[[ $1 =~ ^[0-9a-f]{40}$ ]]
}

summary=()
failed=0
for s in "${selected[@]}"; do
	label=${s%% *}
	corpus=$top/${s#* }
	name=${label##*:}
	exe=$bin/${label#//}
	exe=${exe/://}
	work=$out/$name
	rm -rf "$work/new" "$work/merged"
	mkdir -p "$work/new" "$work/merged" "$corpus"
	rm -f "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* "$work"/slow-unit-*

	args=(-max_total_time="$secs" -print_final_stats=1 -timeout=25
		-rss_limit_mb=2048 -artifact_prefix="$work/")
	[ -n "$runs" ] && args+=(-runs="$runs")
	# shellcheck disable=SC2206 # word splitting of the user's flags is the point
	[ -n "${GH_FUZZ_ARGS:-}" ] && args+=(${GH_FUZZ_ARGS})
	echo "fuzz: $label for ${secs}s${runs:+ or $runs runs} (log: $work/fuzz.log)" >&2
	rc=0
	# New inputs go to $work/new (the first directory); the tree's corpus is
	# only read until the merge.
	"$exe" "${args[@]}" "$work/new" "$corpus" >"$work/fuzz.log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/fuzz.log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$work/fuzz.log" | tail -1)
	artefacts=$(find "$work" -maxdepth 1 -type f \
		\( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) | wc -l)
	verdict=clean
	if [ "$rc" -ne 0 ] || [ "$artefacts" -ne 0 ]; then
		verdict="FAILED (exit $rc, $artefacts artefact(s) in $work/)"
		failed=1
	fi

	# Minimise: the seeds and what this run found, into a fresh directory.
	if "$exe" -merge=1 -timeout=25 -rss_limit_mb=2048 \
		-artifact_prefix="$work/merge-" "$work/merged" "$corpus" "$work/new" \
		>"$work/merge.log" 2>&1; then
		for f in "$corpus"/*; do
			[ -f "$f" ] && is_hash_name "$(basename "$f")" && rm -f "$f"
		done
		# Named files already hold their bytes: no hash-named copy of them.
		declare -A named_sums=()
		for f in "$corpus"/*; do
			[ -f "$f" ] || continue
			named_sums[$(sha1sum <"$f" | cut -c1-40)]=1
		done
		# The smallest first, up to the cap (no pipe into head: pipefail).
		mapfile -t keep < <(find "$work/merged" -maxdepth 1 -type f \
			-size -"$((max_len + 1))"c -printf '%s %f\n' | sort -n | cut -d' ' -f2)
		n=0
		for f in "${keep[@]}"; do
			[ -n "${named_sums[$f]:-}" ] && continue
			[ "$n" -ge "$max_files" ] && break
			cp "$work/merged/$f" "$corpus/"
			n=$((n + 1))
		done
		[ "${#keep[@]}" -gt "$max_files" ] &&
			echo "fuzz: $name: ${#keep[@]} merged inputs, kept the $max_files smallest" >&2
		unset named_sums
	else
		verdict="$verdict; merge FAILED (see $work/merge.log), corpus left as it was"
		failed=1
	fi
	files=$(find "$corpus" -maxdepth 1 -type f | wc -l)
	bytes=$(find "$corpus" -maxdepth 1 -type f -printf '%s\n' | awk '{ n += $1 } END { print n + 0 }')
	line=$(printf '%-34s %11s execs %7s exec/s  corpus %4s files %8s bytes  %s' \
		"$label" "${execs:-?}" "${rate:-?}" "$files" "$bytes" "$verdict")
	echo "$line" >&2
	summary+=("$line")
	rm -rf "$work/new" "$work/merged"
done

echo
printf '%s\n' "${summary[@]}"
exit "$failed"
