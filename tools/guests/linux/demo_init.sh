#!/bin/busybox sh
# SPDX-License-Identifier: BSD-3-Clause
# /init of the demo's initramfs (tools/run.sh demo): busybox userland, then
# either an interactive shell on the console (kernel argument ghvmm.demo=shell;
# Ctrl-D or `poweroff` ends it) or a short scripted session, then power-off.
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
