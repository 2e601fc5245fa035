#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# dependency_rules_test.sh PACKAGE "FORBIDDEN..." QUERY_OUTPUT: fails when the
# genquery of tools/deps/defs.bzl found targets PACKAGE must not reach.
set -euo pipefail
pkg=$1
forbidden=$2
found=$3
if [ -s "$found" ]; then
	echo "FAIL: //$pkg reaches packages DESIGN.md forbids it ($forbidden):"
	sed 's/^/  /' "$found"
	echo "(bazel query 'somepath(//$pkg/..., TARGET)' shows the path)"
	exit 1
fi
echo "PASS: //$pkg reaches none of: $forbidden"
