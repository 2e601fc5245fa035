#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Runs the benchmarks of bench/ side by side (ghvmm, QEMU TCG, the raw
Unicorn engine) and the micro-benchmarks of the libraries, several times
each; writes results.json, results.md (median, spread and the ratios of one
run) and the gnuplot data and PNG plots into the output folder.

Called by tools/bench.sh after the -c opt build; see bench/README.md.
Python standard library only. Exit status: 0 when every run worked (however
slow), 1 when a guest failed, hung, or printed the wrong console output, or
a benchmark binary failed.
"""
import argparse
import json
import os
import platform
import re
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

UBOOT = "/usr/lib/u-boot/qemu_arm64/u-boot.bin"
QEMU = "qemu-system-aarch64"
QEMU_MACHINE = ["-M", "virt,gic-version=3", "-cpu", "cortex-a57", "-nographic",
                "-monitor", "none", "-nic", "none"]
TIMEOUT = 300  # seconds for one run: past it the run counts as hung (broken)
GUEST_MEM_MIB = 256

failures = []


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def fail(msg):
    failures.append(msg)
    log("BROKEN: " + msg)


class Run:
    def __init__(self, rc, wall, out, err, maxrss_kib, marks=None):
        self.rc, self.wall, self.out, self.err = rc, wall, out, err
        self.maxrss_kib, self.marks = maxrss_kib, marks or {}


def run(cmd, cwd=None, timeout=TIMEOUT):
    """Runs cmd with stdin from /dev/null; wall time, output, peak RSS."""
    with tempfile.TemporaryFile() as fo, tempfile.TemporaryFile() as fe:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=fo, stderr=fe, cwd=cwd)
        deadline = t0 + timeout
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                status = -1
                break
            time.sleep(0.002)
        wall = time.monotonic() - t0
        p.returncode = 0  # reaped here; keep Popen from waiting again
        rc = os.waitstatus_to_exitcode(status) if status != -1 else "timeout"
        fo.seek(0)
        fe.seek(0)
        return Run(rc, wall, fo.read().decode(errors="replace").replace("\r", ""),
                   fe.read().decode(errors="replace"), ru.ru_maxrss)


def run_interactive(cmd, script, timeout=60):
    """Runs cmd with a pipe as its console; script is a list of
    (pattern, text to send, mark name): when the output so far contains
    pattern (after the previous match), the time is recorded under the mark
    and text is sent."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE)
    out, err, pos, step, marks = b"", b"", 0, 0, {}
    fds = [p.stdout.fileno(), p.stderr.fileno()]
    while fds and time.monotonic() - t0 < timeout:
        ready, _, _ = select.select(fds, [], [], 0.05)
        for fd in ready:
            data = os.read(fd, 65536)
            if not data:
                fds.remove(fd)
            elif fd == p.stdout.fileno():
                out += data
            else:
                err += data
        while step < len(script):
            pat, text, mark = script[step]
            i = out.find(pat, pos)
            if i < 0:
                break
            marks[mark] = time.monotonic() - t0
            pos = i + len(pat)
            try:
                p.stdin.write(text)
                p.stdin.flush()
            except BrokenPipeError:
                pass
            step += 1
    if fds:
        p.kill()
    pid, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    p.returncode = 0
    rc = "timeout" if fds else os.waitstatus_to_exitcode(status)
    return Run(rc, wall, out.decode(errors="replace").replace("\r", ""),
               err.decode(errors="replace"), ru.ru_maxrss, marks)


def stats(values):
    v = sorted(x for x in values if x is not None)
    if not v:
        return None
    med = statistics.median(v)
    return {"median": med, "min": v[0], "max": v[-1], "n": len(v),
            "spread_pct": 100.0 * (v[-1] - v[0]) / med if med else 0.0}


def result_line(out, prefix):
    for line in out.splitlines():
        if line.startswith(prefix):
            return line.strip()
    return None


# --- the side-by-side guests ----------------------------------------------------

def guest_cmds(tools, elf, cpus=1):
    return {
        "ghvmm": [tools["ghvmm"], "run", "--mem", "%dM" % GUEST_MEM_MIB, "--cpus", str(cpus),
                  "--kernel", elf],
        "qemu": [QEMU] + QEMU_MACHINE + ["-m", "%dM" % GUEST_MEM_MIB, "-smp", str(cpus),
                                         "-kernel", elf],
        "raw": [tools["raw"], elf, str(GUEST_MEM_MIB)],
    }


LINUX_CMDLINE = "console=ttyAMA0 panic=-1 quiet ghvmm.demo=bench"
LINUX_MEM_MIB = 512


def linux_images(top, tmp):
    """Debian's arm64 kernel (.deps/kernel, tools/setup.sh) and the demo's
    initramfs in its benchmark mode, built from tools/guests/linux; None
    when the kernel or busybox is missing."""
    kdir = os.path.join(top, ".deps", "kernel")
    try:
        abi = open(os.path.join(kdir, "ABI")).read().strip()
    except OSError:
        return None
    kernel = os.path.join(kdir, "boot", "vmlinuz-%s-arm64" % abi)
    busybox = os.path.join(kdir, "bin", "busybox")
    if not (os.path.isfile(kernel) and os.path.isfile(busybox)):
        return None
    initrd = os.path.join(tmp, "bench-initramfs.cpio.gz")
    subprocess.run([os.path.join(top, "tools", "guests", "linux", "demo_initramfs.sh"),
                    busybox, initrd], check=True)
    return kernel, initrd


def linux_cmds(tools, kernel, initrd, cpus):
    return {
        "ghvmm": [tools["ghvmm"], "run", "--kernel", kernel, "--initrd", initrd,
                  "--cmdline", LINUX_CMDLINE, "--mem", "%dM" % LINUX_MEM_MIB,
                  "--cpus", str(cpus)],
        "qemu": [QEMU] + QEMU_MACHINE + ["-m", "%dM" % LINUX_MEM_MIB, "-smp", str(cpus),
                                         "-kernel", kernel, "-initrd", initrd,
                                         "-append", LINUX_CMDLINE, "-no-reboot"],
    }


def check_guest(name, engine, r, prefix, expect, ref):
    """A run is good when it exits 0 and prints the expected result line,
    the same on every engine."""
    line = result_line(r.out, prefix)
    if r.rc != 0:
        fail("%s on %s exited with %s: %s" % (name, engine, r.rc, r.err.strip()[-300:]))
        return False
    if line is None or not re.fullmatch(expect, line):
        fail("%s on %s: wrong console output %r" % (name, engine, r.out[-300:]))
        return False
    if name in ref and ref[name] != line:
        fail("%s on %s printed %r, another engine %r" % (name, engine, line, ref[name]))
        return False
    ref[name] = line
    return True


def raw_accesses(r):
    m = re.search(r"mmio_accesses (\d+) seconds ([0-9.]+)", r.err)
    return (int(m.group(1)), float(m.group(2))) if m else (None, None)


# --- micro-benchmarks (the libraries' own binaries) -------------------------------

def run_micro(tools, name, args):
    binary = tools[name]
    cwd = binary + ".runfiles/gunyah_vmm"
    r = run([binary] + args, cwd=cwd if os.path.isdir(cwd) else None)
    if r.rc != 0:
        fail("%s exited with %s: %s" % (name, r.rc, r.err.strip()[-300:]))
        return None
    return r.out


def parse_mmio_bench(out):
    m = re.search(r"best: raw Unicorn ([0-9.]+) M/s, simulator via hypercall ([0-9.]+) M/s"
                  r".*whole stack ([0-9.]+) M/s", out or "")
    if not m:
        return None
    return {"raw": float(m.group(1)) * 1e6, "simulator": float(m.group(2)) * 1e6,
            "stack": float(m.group(3)) * 1e6}


def parse_run_loop(out):
    m = re.search(r"round trip: ([0-9.]+) ns/exit", out or "")
    b = re.search(r"baseline.*?: ([0-9.]+) ns/call", out or "")
    if not m:
        return None
    return {"ns_per_exit": float(m.group(1)), "baseline_ns": float(b.group(1)) if b else None}


def parse_bus(out):
    res = {}
    for line in (out or "").splitlines():
        m = re.match(r"\s*(\d+)\s+([0-9.]+)\s+([0-9.]+)\s+", line)
        if m:
            res[m.group(1)] = {"direct_ns": float(m.group(2)), "bus_ns": float(m.group(3))}
    return res or None


# --- the machine -----------------------------------------------------------------

def machine(tools):
    def sh(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
        except (OSError, subprocess.SubprocessError):
            return ""
    cpu = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    # The Unicorn the binaries load (ldd), and the header beside that library.
    unicorn = ""
    for line in sh(["ldd", tools["raw"]]).splitlines():
        if "libunicorn" in line and "=>" in line:
            lib = os.path.realpath(line.split("=>")[1].split("(")[0].strip())
            prefix = lib.split("/lib/")[0]
            h = prefix + "/include/unicorn/unicorn.h"
            if os.path.exists(h):
                txt = open(h).read()
                v = [re.search(r"#define UC_API_%s\s+(\d+)" % k, txt) for k in
                     ("MAJOR", "MINOR", "PATCH")]
                unicorn = ".".join(x.group(1) if x else "?" for x in v)
            unicorn += " (" + lib + ")"
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "kernel": platform.release(),
        "qemu": sh([QEMU, "--version"]).splitlines()[0] if sh([QEMU, "--version"]) else "",
        "unicorn": unicorn,
        "loadavg_start": open("/proc/loadavg").read().split()[:3],
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


# --- the whole run ----------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, help="bazel-bin of the -c opt build")
    ap.add_argument("--top", required=True, help="the work tree")
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--reps", type=int)
    ap.add_argument("--profile", action="store_true",
                    help="also record perf profiles of ghvmm (mmio guest, 4-vCPU smp)")
    ap.add_argument("--replot", action="store_true",
                    help="only rewrite results.md and the plots from OUT/results.json")
    a = ap.parse_args()
    if a.replot:
        with open(os.path.join(a.out, "results.json")) as f:
            res = json.load(f)
        md = markdown(res)
        with open(os.path.join(a.out, "results.md"), "w") as f:
            f.write(md)
        plots(res, a.out)
        print(md)
        return 0

    quick = a.quick
    reps = a.reps or (3 if quick else 5)
    micro_reps = 1 if quick else 3
    sfx = "_quick" if quick else ""
    b = a.bin
    tools = {
        "top": a.top,
        "ghvmm": b + "/tools/ghvmm/ghvmm",
        "raw": b + "/bench/raw/raw_unicorn",
        "mmio_bench": b + "/sim/bench/mmio_bench",
        "run_loop_bench": b + "/vcpu/bench/run_loop_bench",
        "bus_bench": b + "/devices/bench/bus_bench",
    }
    g = b + "/bench/guests/"
    os.makedirs(a.out, exist_ok=True)
    have_qemu = shutil.which(QEMU) is not None
    if not have_qemu:
        log(QEMU + " not found: QEMU columns are left empty (tools/setup.sh installs it)")

    res = {"machine": machine(tools), "quick": quick, "reps": reps,
           "guests": {}, "uboot": {}, "hello": {}, "smp": {}, "linux": {}, "micro": {}}
    guests = {
        "mmio": (r"bench-mmio: \d+ iterations, ILPR \d+, ok", "bench-mmio:"),
        "cpu": (r"bench-cpu: \d+ rounds, checksum 0x[0-9a-f]{16}", "bench-cpu:"),
        "mem": (r"bench-mem: \d+ MiB, \d+ random updates, checksum 0x[0-9a-f]{16}", "bench-mem:"),
    }
    engines = ["ghvmm"] + (["qemu"] if have_qemu else []) + ["raw"]
    smp_cpus = [1, 2, 4, 8]
    smp_engines = ["ghvmm"] + (["qemu"] if have_qemu else [])
    ref = {}
    walls = {n: {e: [] for e in engines} for n in guests}
    ratios = {n: [] for n in guests}
    raw_frac = []
    accesses = {}
    uboot = {"ghvmm": [], "qemu": [], "ghvmm_total": [], "qemu_total": [], "ratio": []}
    hello = {"ghvmm": [], "qemu": []}
    smp = {(e, c): [] for e in smp_engines for c in smp_cpus}
    smp_rss = {(e, c): [] for e in smp_engines for c in smp_cpus}
    linux = {(e, c): [] for e in smp_engines for c in smp_cpus}
    linux_rss = {(e, c): [] for e in smp_engines for c in smp_cpus}
    linux_tmp = tempfile.mkdtemp(prefix="bench-linux.")
    linux_img = linux_images(a.top, linux_tmp)
    if not linux_img:
        log("no Debian arm64 kernel and busybox in .deps/kernel: the Linux rows are left empty")
    smp_n = None
    uboot_ok = os.path.exists(UBOOT)
    if not uboot_ok:
        log(UBOOT + " not found: U-Boot is skipped (tools/setup.sh installs u-boot-qemu)")

    # Round robin: each repetition runs every engine on every guest, so a
    # burst of load from elsewhere hits them alike; ratios are per repetition.
    for rep in range(reps):
        log("repetition %d/%d" % (rep + 1, reps))
        for name, (expect, prefix) in guests.items():
            elf = g + name + sfx + ".elf"
            cmds = guest_cmds(tools, elf)
            w = {}
            for e in engines:
                r = run(cmds[e])
                if check_guest(name, e, r, prefix, expect, ref):
                    w[e] = r.wall
                    walls[name][e].append(r.wall)
                    if e == "raw":
                        accesses[name] = raw_accesses(r)[0]
            if "ghvmm" in w and "qemu" in w:
                ratios[name].append(w["ghvmm"] / w["qemu"])
            if name == "mmio" and "ghvmm" in w and "raw" in w:
                raw_frac.append(w["raw"] / w["ghvmm"])

        # startup cost: the smallest guest
        for e in ["ghvmm"] + (["qemu"] if have_qemu else []):
            cmds = guest_cmds(tools, b + "/tools/guests/hello.elf")
            r = run(cmds[e])
            if r.rc != 0 or "Hello from a Gunyah guest!" not in r.out:
                fail("hello on %s: status %s, output %r" % (e, r.rc, r.out[-200:]))
            else:
                hello[e].append(r.wall)

        # U-Boot to its prompt: a key at the countdown, `poweroff` at the prompt
        if uboot_ok:
            script = [(b"autoboot", b" ", "countdown"), (b"=> ", b"poweroff\r", "prompt")]
            w = {}
            for e, cmd in [("ghvmm", [tools["ghvmm"], "run", "--bios", UBOOT, "--mem", "128M"]),
                           ("qemu", [QEMU] + QEMU_MACHINE + ["-m", "128M", "-bios", UBOOT])]:
                if e == "qemu" and not have_qemu:
                    continue
                r = run_interactive(cmd, script)
                if r.rc != 0 or "prompt" not in r.marks or "poweroff" not in r.out:
                    fail("U-Boot on %s: status %s, output %r" % (e, r.rc, r.out[-300:]))
                    continue
                w[e] = r.marks["prompt"]
                uboot[e].append(r.marks["prompt"])
                uboot[e + "_total"].append(r.wall)
            if "ghvmm" in w and "qemu" in w:
                uboot["ratio"].append(w["ghvmm"] / w["qemu"])

        # SMP scale (fixed work per vCPU), with the peak RSS of each run
        for c in smp_cpus:
            elf = g + "smp" + sfx + ".elf"
            cmds = guest_cmds(tools, elf, c)
            for e in smp_engines:
                r = run(cmds[e])
                if check_guest("smp%d" % c, e, r, "bench-smp:",
                               r"bench-smp: %d CPUs x \d+ iterations done" % c, ref):
                    smp[(e, c)].append(r.wall)
                    smp_rss[(e, c)].append(r.maxrss_kib)
                    smp_n = int(re.search(r"x (\d+) iter", r.out).group(1))

        # Linux: Debian's kernel boots, a busybox initramfs does a fixed job
        # split over every CPU, then powers off (the whole run is timed)
        for c in (smp_cpus if linux_img else []):
            cmds = linux_cmds(tools, linux_img[0], linux_img[1], c)
            for e in smp_engines:
                r = run(cmds[e])
                if check_guest("linux%d" % c, e, r, "bench-linux:",
                               r"bench-linux: %d CPUs, \d+ jobs done" % c, ref):
                    linux[(e, c)].append(r.wall)
                    linux_rss[(e, c)].append(r.maxrss_kib)

    # micro-benchmarks: the libraries' own binaries, their best-of output
    log("micro-benchmarks")
    mb_args = ["500000", "1"] if quick else []
    rl_args = ["1000000"] if quick else []
    micro = {"mmio_bench": [], "run_loop_bench": [], "bus_bench": []}
    for _ in range(micro_reps):
        micro["mmio_bench"].append(parse_mmio_bench(run_micro(tools, "mmio_bench", mb_args)))
        micro["run_loop_bench"].append(parse_run_loop(run_micro(tools, "run_loop_bench", rl_args)))
        micro["bus_bench"].append(parse_bus(run_micro(tools, "bus_bench", [])))
    for k, v in micro.items():
        if any(x is None for x in v):
            log("%s: output not understood; its figures are left empty" % k)

    # --- summarise ---------------------------------------------------------------
    for name in guests:
        res["guests"][name] = {
            "wall": {e: stats(walls[name][e]) for e in engines},
            "ratio_ghvmm_qemu": stats(ratios[name]),
            "mmio_accesses": accesses.get(name),
        }
    acc = accesses.get("mmio")
    if acc:
        res["guests"]["mmio"]["exits_per_s"] = {
            e: stats([acc / w for w in walls["mmio"][e]]) for e in engines}
    res["raw_fraction"] = stats(raw_frac)
    res["hello"] = {e: stats(v) for e, v in hello.items()}
    res["uboot"] = {k: stats(v) for k, v in uboot.items()}
    res["smp"] = {"per_cpu_iterations": smp_n, "runs": []}
    for c in smp_cpus:
        for e in smp_engines:
            s = stats(smp[(e, c)])
            res["smp"]["runs"].append({
                "engine": e, "cpus": c, "wall": s,
                "exits_per_s": stats([2 * smp_n * c / w for w in smp[(e, c)]]) if smp_n else None,
                "maxrss_kib": stats(smp_rss[(e, c)]),
            })
    shutil.rmtree(linux_tmp, ignore_errors=True)
    res["linux"] = {"cmdline": LINUX_CMDLINE, "mem_mib": LINUX_MEM_MIB, "runs": []}
    for c in smp_cpus:
        for e in smp_engines:
            res["linux"]["runs"].append({"engine": e, "cpus": c,
                                         "wall": stats(linux[(e, c)]),
                                         "maxrss_kib": stats(linux_rss[(e, c)])})
    # resident memory: a least-squares line through (vCPUs, peak RSS)
    for e in smp_engines:
        pts = [(c, stats(smp_rss[(e, c)])["median"]) for c in smp_cpus if smp_rss[(e, c)]]
        if len(pts) >= 2:
            mx = sum(p[0] for p in pts) / len(pts)
            my = sum(p[1] for p in pts) / len(pts)
            slope = (sum((p[0] - mx) * (p[1] - my) for p in pts) /
                     sum((p[0] - mx) ** 2 for p in pts))
            res["smp"]["rss_" + e] = {"one_vcpu_kib": pts[0][1], "per_extra_vcpu_kib": slope}
    def med_of(key, field):
        v = [x[field] for x in micro[key] if x and x.get(field) is not None]
        return stats(v)
    res["micro"]["mmio_bench"] = {f: med_of("mmio_bench", f) for f in ["raw", "simulator", "stack"]}
    res["micro"]["run_loop_bench"] = {f: med_of("run_loop_bench", f)
                                      for f in ["ns_per_exit", "baseline_ns"]}
    bus = {}
    for n in ["1", "16", "256"]:
        v = [x[n]["bus_ns"] for x in micro["bus_bench"] if x and n in x]
        d = [x[n]["direct_ns"] for x in micro["bus_bench"] if x and n in x]
        bus[n] = {"bus_ns": stats(v), "direct_ns": stats(d)}
    res["micro"]["bus_bench"] = bus
    res["machine"]["loadavg_end"] = open("/proc/loadavg").read().split()[:3]
    res["failures"] = failures

    if a.profile:
        res["profiles"] = profile(tools, g, sfx, a.out)

    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(res, f, indent=1)
    md = markdown(res)
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(md)
    plots(res, a.out)
    print(md)
    if failures:
        log("%d broken run(s); see above" % len(failures))
        return 1
    return 0


def profile(tools, g, sfx, out):
    """perf record (cpu-clock: no hardware counters needed) of ghvmm on the
    MMIO guest and on the SMP guest with 4 vCPUs; the top symbols go to
    profile-*.txt."""
    if not shutil.which("perf"):
        log("perf not found: no profiles")
        return {}
    done = {}
    for label, cmd in [("mmio", guest_cmds(tools, g + "mmio" + sfx + ".elf")["ghvmm"]),
                       ("smp4", guest_cmds(tools, g + "smp" + sfx + ".elf", 4)["ghvmm"])]:
        data = os.path.join(out, "perf-%s.data" % label)
        r = run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "2000", "-g",
                 "-o", data, "--"] + cmd)
        if r.rc != 0:
            log("perf record of %s failed (%s): %s" % (label, r.rc, r.err.strip()[-200:]))
            continue
        rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children",
                              "--sort", "dso,symbol", "-g", "none", "--percent-limit", "0.7"],
                             capture_output=True, text=True)
        txt = os.path.join(out, "profile-%s.txt" % label)
        with open(txt, "w") as f:
            f.write("# " + " ".join(cmd) + "\n" + rep.stdout)
        done[label] = txt
    return done


# --- the report ------------------------------------------------------------------

def fmt(s, scale=1.0, digits=3, unit=""):
    if not s:
        return "n/a"
    return "%.*f%s" % (digits, s["median"] * scale, unit)


def fmt_spread(s, scale=1.0, digits=3):
    if not s:
        return "n/a"
    return "%.*f (%.*f–%.*f, ±%.0f%%)" % (digits, s["median"] * scale, digits, s["min"] * scale,
                                         digits, s["max"] * scale, s["spread_pct"] / 2)


def verdict(value, limit, lower_is_better=True):
    if value is None:
        return "n/a"
    ok = value <= limit if lower_is_better else value >= limit
    return "met" if ok else "**missed**"


def markdown(res):
    m = res["machine"]
    L = []
    L.append("# gunyah-vmm benchmarks%s\n" % (" (--quick)" if res["quick"] else ""))
    L.append("Machine: %s, %s CPUs, Linux %s; %s; Unicorn %s. %s; load average %s at the "
             "start, %s at the end. Median of %d repetitions (min–max, ±half the spread); "
             "ratios are taken within each repetition, then the median.\n" %
             (m["cpu"], m["nproc"], m["kernel"], m["qemu"], m["unicorn"].split(" ")[0],
              m["date"], " ".join(m["loadavg_start"]), " ".join(m["loadavg_end"]), res["reps"]))
    L.append("## Side by side: wall time of the whole process (s)\n")
    L.append("| guest | ghvmm | QEMU TCG | raw Unicorn | ghvmm/QEMU | target | |")
    L.append("|---|---|---|---|---|---|---|")
    limits = {"mmio": 1.0, "cpu": 1.5, "mem": 1.5}
    for name, gr in res["guests"].items():
        r = gr["ratio_ghvmm_qemu"]
        L.append("| %s | %s | %s | %s | %s | ≤ %.1f | %s |" % (
            name, fmt_spread(gr["wall"].get("ghvmm")), fmt_spread(gr["wall"].get("qemu")),
            fmt_spread(gr["wall"].get("raw")), fmt(r, digits=2), limits[name],
            verdict(r and r["median"], limits[name])))
    u = res["uboot"]
    L.append("| U-Boot to `=> ` | %s | %s | – | %s | ≤ 1.0 | %s |" % (
        fmt_spread(u.get("ghvmm")), fmt_spread(u.get("qemu")), fmt(u.get("ratio"), digits=2),
        verdict(u.get("ratio") and u["ratio"]["median"], 1.0)))
    h = res["hello"]
    L.append("| hello (start-up + exit) | %s | %s | – | %s | | |" % (
        fmt_spread(h.get("ghvmm")), fmt_spread(h.get("qemu")),
        "%.2f" % (h["ghvmm"]["median"] / h["qemu"]["median"])
        if h.get("ghvmm") and h.get("qemu") else "n/a"))
    L.append("")
    mm = res["guests"]["mmio"]
    L.append("## MMIO exits per second\n")
    L.append("The mmio guest makes %s MMIO accesses (a PL011 FR read and an ILPR write per "
             "iteration); rate = accesses / wall time.\n" % (mm.get("mmio_accesses") or "n/a"))
    L.append("| path | M exits/s | of raw Unicorn |")
    L.append("|---|---|---|")
    eps = mm.get("exits_per_s", {})
    raw = eps.get("raw")
    for e, label in [("raw", "raw Unicorn, same guest (bench/raw)"),
                     ("ghvmm", "ghvmm (whole VMM, PL011 model)"), ("qemu", "QEMU TCG")]:
        s = eps.get(e)
        L.append("| %s | %s | %s |" % (label, fmt(s, 1e-6, 2),
                                        "%.0f%%" % (100 * s["median"] / raw["median"])
                                        if s and raw else "n/a"))
    mb = res["micro"]["mmio_bench"]
    for f, label in [("raw", "mmio_bench: raw Unicorn callback"),
                     ("simulator", "mmio_bench: simulator via the hypercall ABI"),
                     ("stack", "mmio_bench: whole stack, null device")]:
        s = mb.get(f)
        L.append("| %s | %s | %s |" % (label, fmt(s, 1e-6, 2),
                                        "%.0f%%" % (100 * s["median"] / mb["raw"]["median"])
                                        if s and mb.get("raw") else "n/a"))
    L.append("")
    rf = res.get("raw_fraction")
    stack_frac = (mb["stack"]["median"] / mb["raw"]["median"]
                  if mb.get("stack") and mb.get("raw") else None)
    rl = res["micro"]["run_loop_bench"]
    L.append("## Targets\n")
    L.append("| target | measured | |")
    L.append("|---|---|---|")
    for name in ["mmio", "cpu", "mem"]:
        r = res["guests"][name]["ratio_ghvmm_qemu"]
        L.append("| ghvmm/QEMU ≤ %.1f, %s guest | %s | %s |" % (
            limits[name], name, fmt(r, digits=2), verdict(r and r["median"], limits[name])))
    L.append("| ghvmm/QEMU ≤ 1.0, U-Boot to its prompt | %s | %s |" % (
        fmt(u.get("ratio"), digits=2), verdict(u.get("ratio") and u["ratio"]["median"], 1.0)))
    L.append("| ≥ 50%% of the raw Unicorn rate, ghvmm on the mmio guest | %s | %s |" % (
        "%.0f%%" % (100 * rf["median"]) if rf else "n/a", verdict(rf and rf["median"], 0.5, False)))
    L.append("| ≥ 50%% of the raw Unicorn rate, mmio_bench whole stack | %s | %s |" % (
        "%.0f%%" % (100 * stack_frac) if stack_frac else "n/a",
        verdict(stack_frac, 0.5, False)))
    L.append("| cores ≤ 100 ns/exit (run_loop_bench) | %s | %s |" % (
        fmt(rl.get("ns_per_exit"), digits=1, unit=" ns"),
        verdict(rl.get("ns_per_exit") and rl["ns_per_exit"]["median"], 100.0)))
    L.append("")
    L.append("## The libraries alone\n")
    L.append("| what | median |")
    L.append("|---|---|")
    L.append("| cores: GH_VCPU_RUN round trip per MMIO exit (null hypervisor) | %s |" %
             fmt(rl.get("ns_per_exit"), digits=1, unit=" ns"))
    L.append("| cores: bare backend call (baseline) | %s |" %
             fmt(rl.get("baseline_ns"), digits=1, unit=" ns"))
    for n, v in res["micro"]["bus_bench"].items():
        L.append("| bus: one access with %s device(s) (direct call: %s) | %s |" % (
            n, fmt(v["direct_ns"], digits=2, unit=" ns"), fmt(v["bus_ns"], digits=2, unit=" ns")))
    L.append("")
    s = res["smp"]
    L.append("## SMP scale\n")
    L.append("Each vCPU runs the mmio loop %s times (fixed work per vCPU: the total grows "
             "with the vCPUs).\n" % s["per_cpu_iterations"])
    L.append("| vCPUs | ghvmm wall (s) | ghvmm M exits/s | ghvmm peak RSS (MiB) | "
             "QEMU wall (s) | QEMU M exits/s | QEMU peak RSS (MiB) |")
    L.append("|---|---|---|---|---|---|---|")
    by = {(r["engine"], r["cpus"]): r for r in s["runs"]}
    for c in [1, 2, 4, 8]:
        gv, qv = by.get(("ghvmm", c), {}), by.get(("qemu", c), {})
        L.append("| %d | %s | %s | %s | %s | %s | %s |" % (
            c, fmt_spread(gv.get("wall")), fmt(gv.get("exits_per_s"), 1e-6, 2),
            fmt(gv.get("maxrss_kib"), 1 / 1024, 1), fmt_spread(qv.get("wall")),
            fmt(qv.get("exits_per_s"), 1e-6, 2), fmt(qv.get("maxrss_kib"), 1 / 1024, 1)))
    L.append("")
    lx = res.get("linux") or {}
    if lx.get("runs"):
        L.append("## Linux\n")
        L.append("Debian's arm64 kernel with a busybox initramfs (tools/guests/linux, "
                 "kernel argument `ghvmm.demo=bench`) that does the same job however many "
                 "CPUs there are, split between one worker per CPU, then powers off; "
                 "the whole run, boot included, %d MiB of RAM.\n" % lx["mem_mib"])
        L.append("| vCPUs | ghvmm wall (s) | QEMU wall (s) | ghvmm / QEMU | "
                 "ghvmm / its 1-vCPU time | QEMU / its 1-vCPU time | "
                 "ghvmm peak RSS (MiB) | QEMU peak RSS (MiB) |")
        L.append("|---|---|---|---|---|---|---|---|")
        lby = {(r["engine"], r["cpus"]): r for r in lx["runs"]}

        def med(e, c):
            w = (lby.get((e, c)) or {}).get("wall") or {}
            return w.get("median")
        for c in [1, 2, 4, 8]:
            gv, qv = lby.get(("ghvmm", c), {}), lby.get(("qemu", c), {})
            gm, qm, g1, q1 = med("ghvmm", c), med("qemu", c), med("ghvmm", 1), med("qemu", 1)
            L.append("| %d | %s | %s | %s | %s | %s | %s | %s |" % (
                c, fmt_spread(gv.get("wall")), fmt_spread(qv.get("wall")),
                "%.2fx" % (gm / qm) if gm and qm else "-",
                "%.2fx" % (gm / g1) if gm and g1 else "-",
                "%.2fx" % (qm / q1) if qm and q1 else "-",
                fmt(gv.get("maxrss_kib"), 1 / 1024, 1), fmt(qv.get("maxrss_kib"), 1 / 1024, 1)))
        L.append("")
    L.append("## Resident memory\n")
    L.append("Peak RSS (VmHWM, from wait4) of the SMP runs; a least-squares line over 1, 2, 4, "
             "8 vCPUs. The guest touches little of its %d MiB of RAM.\n" % GUEST_MEM_MIB)
    L.append("| VMM | one VM with one vCPU | per extra vCPU |")
    L.append("|---|---|---|")
    for e, label in [("ghvmm", "ghvmm"), ("qemu", "QEMU")]:
        v = s.get("rss_" + e)
        if v:
            L.append("| %s | %.1f MiB | %.0f KiB |" % (label, v["one_vcpu_kib"] / 1024,
                                                     v["per_extra_vcpu_kib"]))
    L.append("")
    if res.get("failures"):
        L.append("## Broken runs\n")
        for f in res["failures"]:
            L.append("- " + f)
        L.append("")
    return "\n".join(L) + "\n"


def plots(res, out):
    """Data files and a gnuplot script; PNGs when gnuplot is installed."""
    def w(name, rows):
        with open(os.path.join(out, name), "w") as f:
            for r in rows:
                f.write(" ".join(str(x) for x in r) + "\n")

    def trip(s):
        return (s["median"], s["min"], s["max"]) if s else ("NaN", "NaN", "NaN")

    rows = []
    for name, gr in res["guests"].items():
        rows.append((name,) + trip(gr["wall"].get("ghvmm")) + trip(gr["wall"].get("qemu")) +
                    trip(gr["wall"].get("raw")))
    u = res["uboot"]
    rows.append(("uboot",) + trip(u.get("ghvmm")) + trip(u.get("qemu")) + ("NaN",) * 3)
    w("wall.dat", rows)
    rows = []
    for name, gr in res["guests"].items():
        rows.append((name,) + trip(gr["ratio_ghvmm_qemu"]))
    rows.append(("uboot",) + trip(u.get("ratio")))
    w("ratio.dat", rows)
    by = {(r["engine"], r["cpus"]): r for r in res["smp"]["runs"]}
    rows = []
    for c in [1, 2, 4, 8]:
        row = [c]
        for e in ["ghvmm", "qemu"]:
            r = by.get((e, c), {})
            row += list(trip(r.get("wall"))) + [
                r["exits_per_s"]["median"] / 1e6 if r.get("exits_per_s") else "NaN",
                r["maxrss_kib"]["median"] / 1024 if r.get("maxrss_kib") else "NaN"]
        rows.append(row)
    w("smp.dat", rows)
    lby = {(r["engine"], r["cpus"]): r for r in (res.get("linux") or {}).get("runs", [])}
    rows = []
    for c in [1, 2, 4, 8]:
        row = [c]
        for e in ["ghvmm", "qemu"]:
            row += list(trip((lby.get((e, c)) or {}).get("wall")))
        rows.append(row)
    w("linux.dat", rows)
    eps = res["guests"]["mmio"].get("exits_per_s", {})
    mb = res["micro"]["mmio_bench"]
    rows = []
    for label, s in [("raw Unicorn\\n(mmio_bench)", mb.get("raw")),
                     ("raw Unicorn\\n(PL011 guest)", eps.get("raw")),
                     ("simulator\\n(mmio_bench)", mb.get("simulator")),
                     ("whole stack\\n(mmio_bench)", mb.get("stack")),
                     ("ghvmm", eps.get("ghvmm")), ("QEMU TCG", eps.get("qemu"))]:
        rows.append(('"%s"' % label,) + tuple(x / 1e6 if x != "NaN" else x for x in trip(s)))
    w("mmio_rates.dat", rows)

    gp = r"""# gnuplot script written by bench/run.py
set terminal pngcairo size 900,540 font "DejaVu Sans,11"
set grid ytics
set key top left
set style data histogram
set style histogram errorbars gap 2 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9

set output "wall.png"
set title "Wall time per guest (median, bars: min-max; lower is better)"
set ylabel "seconds"
plot "wall.dat" using 2:3:4:xtic(1) title "ghvmm" lc rgb "#1f77b4", \
     "" using 5:6:7 title "QEMU TCG" lc rgb "#ff7f0e", \
     "" using 8:9:10 title "raw Unicorn" lc rgb "#2ca02c"

set output "ratio.png"
set title "ghvmm / QEMU wall-time ratio (targets: 1.0 MMIO and U-Boot, 1.5 CPU and memory)"
set ylabel "ratio"
set key off
set yrange [0:*]
plot "ratio.dat" using 2:3:4:xtic(1) lc rgb "#1f77b4", 1.0 with lines dt 2 lc rgb "black", \
     1.5 with lines dt 3 lw 2 lc rgb "#cc0000"
set yrange [*:*]
set key top right

set output "mmio_rates.png"
set title "MMIO exits per second (median, bars: min-max; higher is better)"
set ylabel "million exits/s"
set xtics font ",9" noenhanced
set bmargin 5
plot "mmio_rates.dat" using 2:3:4:xtic(1) notitle lc rgb "#1f77b4"
set xtics font ",11" enhanced
set bmargin

set output "smp.png"
set multiplot layout 1,2 title "SMP scale: fixed MMIO work per vCPU"
set style data linespoints
set logscale x 2
set xtics (1,2,4,8)
set xrange [0.8:10]
set xlabel "vCPUs"
set key top left
set title "wall time (log scale)"
set logscale y
set ylabel "seconds"
plot "smp.dat" using 1:2:3:4 with yerrorlines title "ghvmm" lc rgb "#1f77b4" pt 7, \
     "" using 1:7:8:9 with yerrorlines title "QEMU TCG" lc rgb "#ff7f0e" pt 5
unset logscale y
set title "MMIO exits per second, all vCPUs"
set ylabel "million exits/s"
set yrange [0:*]
plot "smp.dat" using 1:5 title "ghvmm" lc rgb "#1f77b4" pt 7, \
     "" using 1:10 title "QEMU TCG" lc rgb "#ff7f0e" pt 5
unset multiplot
set yrange [*:*]

set output "linux.png"
set title "Linux: boot, a fixed job over every CPU, power-off"
set style data linespoints
set logscale x 2
set xtics (1,2,4,8)
set xrange [0.8:10]
set xlabel "vCPUs"
set ylabel "seconds"
set yrange [0:*]
plot "linux.dat" using 1:2:3:4 with yerrorlines title "ghvmm" lc rgb "#1f77b4" pt 7, \
     "" using 1:5:6:7 with yerrorlines title "QEMU TCG" lc rgb "#ff7f0e" pt 5
unset logscale x
set xrange [*:*]
set xtics autofreq

set output "rss.png"
set title "Peak resident memory, SMP guest (256 MiB guest RAM, little touched)"
set ylabel "MiB"
set yrange [0:*]
plot "smp.dat" using 1:6 title "ghvmm" lc rgb "#1f77b4" pt 7, \
     "" using 1:11 title "QEMU TCG" lc rgb "#ff7f0e" pt 5
"""
    with open(os.path.join(out, "plots.gp"), "w") as f:
        f.write(gp)
    if shutil.which("gnuplot"):
        r = subprocess.run(["gnuplot", "plots.gp"], cwd=out, capture_output=True, text=True)
        if r.returncode != 0:
            log("gnuplot failed: " + r.stderr.strip()[-500:])
    else:
        log("gnuplot not found: data and plots.gp written, no PNGs (tools/setup.sh installs "
            "gnuplot-nox)")


if __name__ == "__main__":
    sys.exit(main())
