#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Another Unicorn build against the one Bazel linked, in one round robin.

    bench/unicorn_ab.py --lib DIR [--bin BAZEL_BIN] [--reps N] [--quick]
                        [--engines raw,raw_hook,ghvmm,qemu]
                        [--guests cpu,mem,mmio,smp8,linux1,linux2,linux4,linux8]

Runs every engine on every guest REPS times, interleaved (guest by guest,
engine by engine, each with the linked Unicorn and then with the one in DIR,
put first on LD_LIBRARY_PATH: the binaries' RUNPATH lets it win). Prints, per
guest and engine, the median wall time and the median of the per-repetition
ratios to the raw engine with the linked Unicorn (and, for the other build,
to the raw engine with that build), each taken within the same repetition, as
bench/README.md asks. Engines: raw (bench/raw:raw_unicorn), raw_hook (the
same with RAW_BLOCK_HOOK=1), ghvmm (`ghvmm run`, simulator backend), qemu
(qemu-system-aarch64, the same in both columns). A guest linuxN is the
Linux workload of tools/bench.sh (Debian's kernel from .deps/kernel, the
demo's initramfs in its benchmark mode) on N vCPUs, smpN the SMP MMIO loop
(bench/guests/smp.S) on N vCPUs, both run by ghvmm and QEMU only; every
guest's times are also given as the median of the per-repetition
ratios to QEMU's. Needs the -c opt build of //tools/ghvmm, //bench/raw and
//bench/guests:all. Checks that every run printed the guest's result line and
that all runs of a guest agree. Exit status 0, or 1 when a run failed or the
outputs differ.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import run as bench_run  # bench/run.py: the Linux workload's images and commands

QEMU = ["qemu-system-aarch64", "-M", "virt,gic-version=3", "-cpu", "cortex-a57", "-nographic",
        "-monitor", "none", "-nic", "none", "-m", "256M"]


def split_guest(g):
    """("linux", N), ("smp", N) for linuxN and smpN, else (g, 1)."""
    for family in ("linux", "smp"):
        if g.startswith(family) and g[len(family):].isdigit():
            return family, int(g[len(family):])
    return g, 1


def commands(b, engine, elf, cpus, linux):
    if linux:
        kernel, initrd = linux
        return bench_run.linux_cmds({"ghvmm": b + "/tools/ghvmm/ghvmm"}, kernel, initrd,
                                    cpus)[engine]
    if engine in ("raw", "raw_hook"):
        return [b + "/bench/raw/raw_unicorn", elf, "256"]
    if engine == "ghvmm":
        return [b + "/tools/ghvmm/ghvmm", "run", "--mem", "256M", "--cpus", str(cpus), "--kernel",
                elf]
    return QEMU + ["-smp", str(cpus), "-kernel", elf]


def main():
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", required=True, help="folder holding the other libunicorn.so.2")
    ap.add_argument("--bin", default=top + "/bazel-bin")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--engines", default="raw,raw_hook,ghvmm,qemu")
    ap.add_argument("--guests", default="cpu,mem,mmio")
    a = ap.parse_args()
    engines = a.engines.split(",")
    guests = a.guests.split(",")
    lib = os.path.abspath(a.lib)
    tmp = tempfile.mkdtemp(prefix="unicorn-ab-")
    images = None
    if any(split_guest(g)[0] == "linux" for g in guests):
        images = bench_run.linux_images(top, tmp)
        if not images:
            print("the Linux guests need .deps/kernel (tools/setup.sh)")
            shutil.rmtree(tmp, ignore_errors=True)
            return 1
    cols = []
    for e in engines:
        cols.append((e, "linked"))
        if e != "qemu":
            cols.append((e, "other"))
    times = {}
    lines = {}
    bad = False
    for _ in range(a.reps):
        for g in guests:
            family, cpus = split_guest(g)
            linux = images if family == "linux" else None
            elf = "%s/bench/guests/%s%s.elf" % (a.bin, family, "_quick" if a.quick else "")
            for e, which in cols:
                if (linux or cpus > 1) and e not in ("ghvmm", "qemu"):
                    continue
                env = dict(os.environ)
                env.pop("RAW_BLOCK_HOOK", None)
                if e == "raw_hook":
                    env["RAW_BLOCK_HOOK"] = "1"
                if which == "other":
                    env["LD_LIBRARY_PATH"] = lib + ":" + env.get("LD_LIBRARY_PATH", "")
                t0 = time.monotonic()
                p = subprocess.run(commands(a.bin, e, elf, cpus, linux), env=env,
                                   stdin=subprocess.DEVNULL,
                                   capture_output=True, timeout=300)
                dt = time.monotonic() - t0
                out = p.stdout.decode(errors="replace").replace("\r", "").splitlines()
                res = [x for x in out if x.startswith("bench-")]
                if p.returncode != 0 or not res:
                    print("FAILED: %s %s on %s (exit %d)" % (e, which, g, p.returncode))
                    bad = True
                lines.setdefault(g, set()).add(res[-1] if res else "")
                times.setdefault((g, e, which), []).append(dt)
    with open("/proc/loadavg") as f:
        print("load average after the runs: " + " ".join(f.read().split()[:3]))
    print("other Unicorn: " + lib)
    for g in guests:
        if len(lines[g]) != 1:
            print("OUTPUTS DIFFER on %s: %s" % (g, sorted(lines[g])))
            bad = True
        print("%s: %s" % (g, sorted(lines[g])[0]))
        for e, which in cols:
            t = times.get((g, e, which))
            if not t:
                continue
            s = "  %-8s %-6s median %7.3f s" % (e, which, statistics.median(t))
            for ref_which in ("linked", which) if which == "other" else ("linked",):
                ref = times.get((g, "raw", ref_which))
                if ref:
                    r = sorted(x / y for x, y in zip(t, ref))
                    s += "   / %s raw %.3f (%.3f-%.3f)" % (ref_which, statistics.median(r), r[0],
                                                         r[-1])
            ref = times.get((g, "qemu", "linked"))
            if ref and e != "qemu":
                r = sorted(x / y for x, y in zip(t, ref))
                s += "   / qemu %.3f (%.3f-%.3f)" % (statistics.median(r), r[0], r[-1])
            print(s)
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
