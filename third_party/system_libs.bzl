# SPDX-License-Identifier: BSD-3-Clause
"""Wraps the libraries tools/setup.sh installs as Bazel targets.

Unicorn must be 2.1 or newer (2.0.1 is an order of magnitude slower on guest
memory access). The rule takes the first of these that is new enough:
  1. $GH_DEPS_PREFIX/usr (set by hand to try another build),
  2. <workspace>/.deps/usr, where tools/setup.sh unpacks Debian 13's package,
  3. /usr, the system's own libunicorn-dev.
It fails with a message naming tools/setup.sh when none is.
"""

_MULTIARCH = "lib/x86_64-linux-gnu"

def _unicorn_version(rctx, header):
    major = None
    minor = None
    for line in rctx.read(header).splitlines():
        words = [w for w in line.replace("\t", " ").split(" ") if w]
        if len(words) == 3 and words[0] == "#define":
            if words[1] == "UC_API_MAJOR":
                major = int(words[2])
            elif words[1] == "UC_API_MINOR":
                minor = int(words[2])
    if major == None or minor == None:
        return None
    return (major, minor)

def _find_unicorn(rctx):
    candidates = []
    env_prefix = rctx.os.environ.get("GH_DEPS_PREFIX", "")
    if env_prefix:
        candidates.append(env_prefix + "/usr")
    workspace = rctx.path(Label("//:WORKSPACE")).dirname
    candidates.append(str(workspace) + "/.deps/usr")
    candidates.append("/usr")
    seen = []
    for prefix in candidates:
        header = rctx.path(prefix + "/include/unicorn/unicorn.h")
        lib = rctx.path(prefix + "/" + _MULTIARCH + "/libunicorn.so.2")
        if not header.exists or not lib.exists:
            continue
        version = _unicorn_version(rctx, header)
        seen.append("%s (%s)" % (prefix, version))
        if version != None and version >= (2, 1):
            return prefix
    fail("Unicorn >= 2.1 not found (looked at: %s). Run tools/setup.sh." %
         (", ".join(seen) or "nothing installed"))

def _link_linux_headers(rctx):
    """The i386 and arm64 Linux UAPI headers tools/setup.sh unpacks."""
    workspace = str(rctx.path(Label("//:WORKSPACE")).dirname)
    for arch in ["i386", "arm64"]:
        src = rctx.path(workspace + "/.deps/" + arch + "/usr/include")
        if not src.exists:
            fail("Linux headers for %s not found at %s. Run tools/setup.sh." % (arch, src))
        rctx.symlink(src, "linux_headers/" + arch)

def _system_libs_impl(rctx):
    prefix = _find_unicorn(rctx)
    _link_linux_headers(rctx)
    rctx.symlink(prefix + "/include/unicorn", "unicorn/include/unicorn")
    rctx.symlink(prefix + "/" + _MULTIARCH + "/libunicorn.so.2", "unicorn/libunicorn.so.2")
    rctx.file("WORKSPACE", 'workspace(name = "%s")\n' % rctx.name)
    rctx.file("BUILD.bazel", """\
package(default_visibility = ["//visibility:public"])

# Unicorn, found at {prefix}.
cc_import(
    name = "unicorn_so",
    shared_library = "unicorn/libunicorn.so.2",
)

cc_library(
    name = "unicorn",
    hdrs = glob(["unicorn/include/unicorn/*.h"]),
    strip_include_prefix = "unicorn/include",
    linkopts = ["-lpthread", "-lm"],
    deps = [":unicorn_so"],
)

# Linux UAPI headers of other ABIs (for compile-only checks).
filegroup(
    name = "linux_headers_i386",
    srcs = glob(["linux_headers/i386/**/*.h"]),
)

filegroup(
    name = "linux_headers_arm64",
    srcs = glob(["linux_headers/arm64/**/*.h"]),
)

# libfdt from Debian's libfdt-dev (headers in /usr/include).
cc_library(
    name = "libfdt",
    linkopts = ["-lfdt"],
)

# abseil from Debian's libabsl-dev: for tests only.
cc_library(
    name = "absl",
    testonly = True,
    linkopts = [
        "-labsl_str_format_internal",
        "-labsl_strings",
        "-labsl_strings_internal",
        "-labsl_int128",
        "-labsl_raw_logging_internal",
        "-labsl_throw_delegate",
        "-labsl_base",
        "-labsl_spinlock_wait",
    ],
)
""".format(prefix = prefix))

system_libs = repository_rule(
    implementation = _system_libs_impl,
    environ = ["GH_DEPS_PREFIX"],
    local = True,
)
