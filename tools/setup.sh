#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Installs what building and testing gunyah-vmm needs on Debian 12, as root.
# Idempotent and quiet: what is present is left alone; a second run costs a
# few dpkg queries. tools/run.sh calls it before every command.
#
# Two kinds of dependency:
#  - host packages from Debian 12, installed with apt-get;
#  - packages that must not be installed system-wide, fetched with apt-get
#    under a private configuration (the machine's own apt and dpkg state are
#    untouched) and unpacked with dpkg -x into .deps/ in the work tree:
#      .deps/usr            Unicorn 2.1 from Debian 13 (Debian 12 has 2.0.1,
#                           an order of magnitude slower on guest memory)
#      .deps/<arch>/usr     Linux UAPI headers of i386 and arm64, for the
#                           UAPI layout test (installing them multiarch would
#                           pin the host's own linux-libc-dev version)
#      .deps/kernel/        Debian's arm64 kernel (Image) and the arm64 and
#                           amd64 kernel headers + kbuild of the same ABI, and
#                           busybox-static for arm64: the kernel module is
#                           built against them and tested under QEMU. The ABI
#                           is whatever linux-image-arm64 depends on today.
#  - only with GH_UNICORN_SOURCE=1: Unicorn built from Debian 13's own source
#    package (unicorn-engine) with third_party/unicorn/*.patch, AArch64 only,
#    into .deps/unicorn-src/usr (use it with GH_DEPS_PREFIX=.deps/unicorn-src;
#    sim/README.md, "Performance"). GH_UNICORN_SRC_DIR=DIR builds an already
#    unpacked source tree instead of fetching one.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
deps=$top/.deps

log() { printf 'setup: %s\n' "$*" >&2; }

packages=(
	bazel-bootstrap bazel-rules-java default-jdk-headless
	clang lld llvm libclang-rt-14-dev clang-format
	gcc gcc-aarch64-linux-gnu libc6-dev-arm64-cross make bc cpio flex bison libelf-dev
	qemu-system-arm
	googletest libabsl-dev libfdt-dev device-tree-compiler
	linux-libc-dev
	u-boot-qemu
	gnuplot-nox python3
	patchelf pkg-config
)
if [ -n "${GH_UNICORN_SOURCE:-}" ]; then
	packages+=(cmake dpkg-dev patch)
fi

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done

if [ "${#missing[@]}" -gt 0 ]; then
	if [ "$(id -u)" -ne 0 ]; then
		log "missing packages: ${missing[*]}; run tools/setup.sh as root"
		exit 1
	fi
	log "installing ${missing[*]}"
	# A partly failed index refresh (a mirror mid-sync) still leaves usable lists.
	apt-get update -qq || log "apt-get update reported errors; trying to install anyway"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
		"${missing[@]}" >/dev/null
fi

# The machine's own Debian mirror: the first non-security one apt is set up with.
debian_mirror() {
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
		/etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1=="URIs:" { for (i = 2; i <= NF; i++) print $i }
		     $1=="deb" { print ($2 ~ /^\[/) ? $3 : $2 }' |
		grep -v -- '-security' | head -n1 || true
}

# The machine's Debian security mirror, when apt is set up with one.
debian_security_mirror() {
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
		/etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1=="URIs:" { for (i = 2; i <= NF; i++) print $i }
		     $1=="deb" { print ($2 ~ /^\[/) ? $3 : $2 }' |
		grep -- '-security' | head -n1 || true
}

# private_apt SUITE ARCH [deb-src]: a private apt configuration in $work
# with $opts set, its lists fetched (of source packages with deb-src). The
# machine's own apt state is untouched.
private_apt() {
	local suite=$1 arch=$2 kind=${3:-deb}
	local mirror security
	mirror=$(debian_mirror)
	if [ -z "$mirror" ]; then
		log "no Debian mirror found in /etc/apt/sources.list*"
		exit 1
	fi
	work=$(mktemp -d)
	mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs"
	echo "$kind $mirror $suite main" >"$work/sources.list"
	security=$(debian_security_mirror)
	if [ -n "$security" ] && [ "$suite" = bookworm ]; then
		echo "deb $security $suite-security main" >>"$work/sources.list"
	fi
	opts=(
		-o "Dir::Etc::sourcelist=$work/sources.list"
		-o "Dir::Etc::sourceparts=-"
		-o "Dir::State::Lists=$work/lists"
		-o "Dir::State::status=/dev/null"
		-o "Dir::Cache=$work/cache"
		-o "APT::Architecture=$arch"
		-o "APT::Architectures=$arch"
		-o "APT::Get::List-Cleanup=0"
		-o "APT::Sandbox::User=root"
	)
	# A mirror mid-sync can fail one index (seen: bookworm-security i386)
	# while the others are fine; a package that truly cannot be found fails
	# the download below with apt's own message.
	if ! apt-get -qq "${opts[@]}" update 2>"$work/update.log"; then
		log "apt-get update ($suite, $arch) reported errors; continuing with what it fetched:"
		grep '^E:' "$work/update.log" | head -n 3 >&2 || true
	fi
}

# fetch_unpack SUITE ARCH DEST PACKAGE...: download with a private apt
# configuration and unpack into DEST.
fetch_unpack() {
	local suite=$1 arch=$2 dest=$3 work opts
	shift 3
	private_apt "$suite" "$arch"
	mkdir -p "$dest"
	(cd "$work/debs" && apt-get -qq "${opts[@]}" download "$@")
	for deb in "$work"/debs/*.deb; do
		dpkg -x "$deb" "$dest"
	done
	rm -rf "$work"
}

# The kernel ABI Debian's linux-image-arm64 points at today, e.g. 6.1.0-56.
kernel_abi() {
	local work opts
	private_apt bookworm arm64
	apt-cache "${opts[@]}" depends linux-image-arm64 |
		sed -n 's/.*Depends: linux-image-\(.*\)-arm64$/\1/p' | head -n1
	rm -rf "$work"
}

unicorn_ok() {
	local h=$1/usr/include/unicorn/unicorn.h
	[ -f "$h" ] && [ -f "$1/usr/lib/x86_64-linux-gnu/libunicorn.so.2" ] &&
		awk '$2=="UC_API_MAJOR"{ma=$3} $2=="UC_API_MINOR"{mi=$3}
		     END{exit !(ma>2 || (ma==2 && mi>=1))}' "$h"
}

if ! unicorn_ok "" && ! unicorn_ok "$deps"; then
	log "fetching Unicorn 2.1 (Debian 13) into $deps"
	fetch_unpack trixie amd64 "$deps" libunicorn-dev libunicorn2t64
	if ! unicorn_ok "$deps"; then
		log "Unicorn in $deps is not 2.1 or newer"
		exit 1
	fi
fi

# build_unicorn DEST: Debian 13's unicorn-engine source, patched, built for
# AArch64 guests only (no tests or samples), installed into DEST/usr.
build_unicorn() {
	local dest=$1 src work opts build p
	work=
	if [ -n "${GH_UNICORN_SRC_DIR:-}" ]; then
		src=$(mktemp -d)
		cp -a "$GH_UNICORN_SRC_DIR/." "$src/"
	else
		private_apt trixie amd64 deb-src
		if ! (cd "$work/debs" && apt-get -qq "${opts[@]}" source --download-only unicorn-engine); then
			log "Debian's unicorn-engine source could not be fetched (GH_UNICORN_SRC_DIR=DIR builds a local tree)"
			exit 1
		fi
		src=$work/src
		dpkg-source -x "$work"/debs/unicorn-engine_*.dsc "$src" >/dev/null
	fi
	for p in "$top"/third_party/unicorn/*.patch; do
		patch -s -d "$src" -p1 <"$p"
	done
	build=$(mktemp -d)
	if ! cmake -S "$src" -B "$build" -DCMAKE_BUILD_TYPE=Release -DUNICORN_ARCH=aarch64 \
		-DUNICORN_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX="$dest/usr" \
		-DCMAKE_INSTALL_LIBDIR=lib/x86_64-linux-gnu >"$build/log" 2>&1 ||
		! make -s -C "$build" -j2 >>"$build/log" 2>&1 ||
		! make -s -C "$build" install >>"$build/log" 2>&1; then
		tail -n 20 "$build/log" >&2
		log "building Unicorn failed"
		exit 1
	fi
	rm -rf "$build" "$src" ${work:+"$work"}
	unicorn_patches_sum >"$dest/patches.sha256"
}

# The patches a tree was built with (build_unicorn writes it): a tree built
# with other patches is rebuilt.
unicorn_patches_sum() {
	cat "$top"/third_party/unicorn/*.patch | sha256sum | cut -d' ' -f1
}

unicorn_patched_ok() {
	unicorn_ok "$1" && [ "$(cat "$1/patches.sha256" 2>/dev/null)" = "$(unicorn_patches_sum)" ]
}

if [ -n "${GH_UNICORN_SOURCE:-}" ] && ! unicorn_patched_ok "$deps/unicorn-src"; then
	log "building patched Unicorn from Debian 13's source into $deps/unicorn-src"
	rm -rf "$deps/unicorn-src"
	build_unicorn "$deps/unicorn-src"
	if ! unicorn_patched_ok "$deps/unicorn-src"; then
		log "the Unicorn build in $deps/unicorn-src is incomplete"
		exit 1
	fi
fi

for arch in i386 arm64; do
	if [ ! -f "$deps/$arch/usr/include/linux/types.h" ]; then
		log "fetching Linux UAPI headers for $arch into $deps/$arch"
		rm -rf "$deps/$arch"
		fetch_unpack bookworm "$arch" "$deps/$arch" linux-libc-dev
	fi
done
kernel=$deps/kernel
if [ ! -f "$kernel/ABI" ]; then
	abi=$(kernel_abi)
	if [ -z "$abi" ]; then
		log "could not find the ABI of linux-image-arm64"
		exit 1
	fi
	log "fetching Debian's arm64 kernel $abi, its headers and busybox into $kernel"
	rm -rf "$kernel"
	fetch_unpack bookworm arm64 "$kernel" "linux-image-$abi-arm64" \
		"linux-headers-$abi-arm64" busybox-static
	fetch_unpack bookworm amd64 "$kernel" "linux-headers-$abi-amd64" \
		"linux-headers-$abi-common" linux-kbuild-6.1
	# The flavour Makefiles include the common tree by absolute path.
	for flavour in arm64 amd64; do
		sed -i "s#include /usr/src/#include $kernel/usr/src/#" \
			"$kernel/usr/src/linux-headers-$abi-$flavour/Makefile"
	done
	echo "$abi" >"$kernel/ABI"
fi
exit 0
