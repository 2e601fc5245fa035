#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# `bazel run //bench:all -- [tools/bench.sh options]`: runs tools/bench.sh in
# the work tree (bazel run releases its server before this starts, so the
# script's own bazel calls go through).
set -eu
if [ -z "${BUILD_WORKSPACE_DIRECTORY:-}" ]; then
	echo "bench_all.sh: run it with 'bazel run //bench:all', or run tools/bench.sh" >&2
	exit 2
fi
exec "$BUILD_WORKSPACE_DIRECTORY/tools/bench.sh" "$@"
