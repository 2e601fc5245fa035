#!/bin/busybox sh
# SPDX-License-Identifier: BSD-3-Clause
# /init of the demo's initramfs (tools/run.sh demo): busybox userland, then
# either an interactive shell on the console (kernel argument ghvmm.demo=shell;
# Ctrl-D or `poweroff` ends it), the benchmark's fixed job (ghvmm.demo=bench,
# tools/bench.sh's Linux rows) or a short scripted session, then power-off.
/bin/busybox --install -s /bin
export PATH=/bin HOME=/root PS1='ghvmm-linux:\w\$ '
mkdir -p /proc /sys /dev /tmp /root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
hostname ghvmm
echo "ghvmm-demo: Linux $(uname -r) reached /init after $(cut -d' ' -f1 /proc/uptime) s of guest time"
case " $(cat /proc/cmdline) " in
*" ghvmm.demo=shell "*)
	echo "ghvmm-demo: a busybox shell; Ctrl-D or 'poweroff' ends it"
	# cttyhack gives the shell the console as its controlling terminal.
	setsid cttyhack sh -l
	;;
*" ghvmm.demo=bench "*)
	# The same work however many CPUs there are, split between one worker
	# per CPU: shell arithmetic, forks and pipes, page-cache I/O in tmpfs.
	n=$(grep -c ^processor /proc/cpuinfo)
	total=24
	w=0
	while [ $w -lt "$n" ]; do
		(
			k=$w
			while [ $k -lt $total ]; do
				i=0
				while [ $i -lt 200 ]; do i=$((i + 1)); done
				dd if=/dev/zero of=/tmp/w$w bs=4k count=64 2>/dev/null
				md5sum /tmp/w$w >/dev/null
				k=$((k + n))
			done
			rm -f /tmp/w$w
		) &
		w=$((w + 1))
	done
	wait
	echo "bench-linux: $n CPUs, $total jobs done"
	;;
*)
	run() { echo "ghvmm-linux# $*"; sh -c "$*"; }
	run 'uname -a'
	run 'head -n 8 /proc/cpuinfo'
	run 'grep -c ^processor /proc/cpuinfo'
	run 'cat /proc/interrupts'
	run 'free -k'
	;;
esac
echo "ghvmm-demo: powering off"
poweroff -f
