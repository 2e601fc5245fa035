#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The README's two commands on a really fresh Debian 12 machine.
#
#   tools/fresh_check.sh [--keep] [--root DIR] [--rev REV] [--only demo|test]
#
# Builds a minimal Debian 12 root with mmdebstrap from this machine's own apt
# sources (Debian's archive is all that is reachable), puts a clean clone of
# the repository's committed REV (default HEAD) in it, and runs
# `tools/run.sh demo` (stdin not a terminal) and `tools/run.sh test` inside,
# in a private mount and PID namespace with /proc, /sys and /dev mounted. It
# prints each command's last lines, its exit code and its wall time, and
# exits non-zero unless both passed. Nothing the machine has installed by
# hand reaches the root: what the commands need, they must install.
#
# --keep keeps the root (default: removed at the end); --root DIR builds it
# there (must not exist); --only runs one of the two commands. Needs root and
# about 4 GiB of disk; takes about as long as a cold `tools/run.sh test`.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
keep=0
root=
rev=HEAD
only=

usage() {
	sed -n '4,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--keep) keep=1 ;;
	--root) root=${2:?}; shift ;;
	--rev) rev=${2:?}; shift ;;
	--only)
		only=${2:?}
		shift
		case $only in demo | test) ;; *) usage ;; esac
		;;
	-h | --help) usage ;;
	*) usage ;;
	esac
	shift
done

log() { printf 'fresh_check: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (it builds a chroot)"
commit=$(git -C "$top" rev-parse --verify "$rev^{commit}") || die "no commit $rev"

if ! command -v mmdebstrap >/dev/null; then
	log "installing mmdebstrap"
	apt-get update -qq || log "apt-get update reported errors; trying to install anyway"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		mmdebstrap >/dev/null
fi

# The machine's apt sources, as mmdebstrap's mirror argument: a deb822
# .sources file or a one-line sources.list works as it is.
sources=()
for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list; do
	[ -s "$f" ] && sources+=("$f")
done
[ "${#sources[@]}" -gt 0 ] || die "no apt sources in /etc/apt"

if [ -z "$root" ]; then
	root=$(mktemp -d /var/tmp/gunyah-fresh.XXXXXX)
	rmdir "$root"
fi
[ ! -e "$root" ] || die "$root exists"
cleanup() {
	if [ "$keep" -eq 0 ]; then
		rm -rf --one-file-system "$root"
	else
		log "root kept in $root"
	fi
}
trap cleanup EXIT

start=$(date +%s)
log "building a Debian 12 root in $root"
mmdebstrap --quiet --variant=minbase --include=git bookworm "$root" "${sources[@]}" \
	>/dev/null
cp /etc/resolv.conf "$root/etc/resolv.conf"
git clone --quiet --no-hardlinks "$top" "$root/work/gunyah-vmm"
git -C "$root/work/gunyah-vmm" checkout --quiet --detach "$commit"
log "root ready in $(($(date +%s) - start)) s; repository at ${commit:0:12}"

# One README command in the root: its output to a log, its last lines,
# exit code and wall time printed. $1: demo or test.
results=()
status=0
run_in_root() {
	local cmd=$1 log=$root/work/$1.log t0 rc
	t0=$(date +%s)
	log "running tools/run.sh $cmd in the fresh root (log: work/$cmd.log)"
	set +e
	unshare --mount --pid --fork --propagation private bash -c '
		set -e
		root=$1 cmd=$2
		mount -t proc proc "$root/proc"
		mount -t sysfs sysfs "$root/sys"
		mount --rbind /dev "$root/dev"
		mount -t tmpfs tmpfs "$root/tmp"
		exec chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
			PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
			bash -c "cd /work/gunyah-vmm && tools/run.sh $cmd" </dev/null
	' fresh-root "$root" "$cmd" >"$log" 2>&1
	rc=$?
	set -e
	local secs=$(($(date +%s) - t0))
	echo "---- tools/run.sh $cmd: last lines"
	tail -n 12 "$log"
	local summary
	summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1 || true)
	results+=("tools/run.sh $cmd: exit $rc in $((secs / 60)) m $((secs % 60)) s${summary:+; $summary}")
	[ "$rc" -eq 0 ] || status=1
}

[ "$only" = test ] || run_in_root demo
[ "$only" = demo ] || run_in_root test

echo "==== fresh Debian 12 root, commit ${commit:0:12}, $(($(date +%s) - start)) s in all"
for r in "${results[@]}"; do
	echo "$r"
done
exit "$status"
