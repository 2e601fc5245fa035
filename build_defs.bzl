# SPDX-License-Identifier: BSD-3-Clause
"""The one place that holds the project's compiler flags, and the macros every
library, test and fuzz target is declared with."""

# C11 for libraries and the kernel-shared cores.
GH_C_COPTS = [
    "-std=c11",
    "-D_GNU_SOURCE",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wmissing-prototypes",
    "-Wstrict-prototypes",
    "-Wvla",
    "-Wshadow",
    "-Wpointer-arith",
    "-Wundef",
]

# C++ for GoogleTest tests and fuzz entry points.
GH_CXX_COPTS = [
    "-std=c++17",
    "-Wall",
    "-Wextra",
    "-Werror",
    "-Wshadow",
    "-Wno-missing-field-initializers",
]

def _strip_prefix(hdrs):
    for h in hdrs:
        if h.startswith("include/"):
            return "include"
    return None

def gh_c_library(name, srcs = [], hdrs = [], copts = [], **kwargs):
    """A C11 library. Public headers live in include/ and are reached as
    <gunyah/...> (or <linux/...> for uapi); everything in src/ is private."""
    strip = kwargs.pop("strip_include_prefix", _strip_prefix(hdrs))
    native.cc_library(
        name = name,
        srcs = srcs,
        hdrs = hdrs,
        copts = GH_C_COPTS + copts,
        strip_include_prefix = strip,
        **kwargs
    )

def gh_c_binary(name, copts = [], **kwargs):
    native.cc_binary(
        name = name,
        copts = GH_C_COPTS + copts,
        **kwargs
    )

def gh_cc_test(name, srcs, deps = [], copts = [], **kwargs):
    """A GoogleTest test; main() comes from gtest_main."""
    kwargs.setdefault("size", "small")
    native.cc_test(
        name = name,
        srcs = srcs,
        copts = GH_CXX_COPTS + copts,
        deps = deps + ["@com_google_googletest//:gtest_main"],
        **kwargs
    )

def gh_fuzz_test(name, srcs, corpus_dir, deps = [], copts = [], **kwargs):
    """A libFuzzer entry point (LLVMFuzzerTestOneInput) that is also a test.

    Default build: a deterministic driver replays every file of corpus_dir
    and a fixed number of seeded mutations of each (a few seconds).
    --config=fuzz: linked with libFuzzer; `bazel run` it to fuzz for real,
    `bazel test` fuzzes for a few seconds starting from corpus_dir."""
    kwargs.setdefault("size", "small")
    corpus = native.glob([corpus_dir + "/*"])
    corpus_path = native.package_name() + "/" + corpus_dir
    native.cc_test(
        name = name,
        srcs = srcs,
        copts = GH_CXX_COPTS + copts,
        data = corpus,
        args = select({
            "//tools/fuzz:libfuzzer": ["-max_total_time=5", "-rss_limit_mb=4096", corpus_path],
            "//conditions:default": [corpus_path],
        }),
        linkopts = select({
            "//tools/fuzz:libfuzzer": ["-fsanitize=fuzzer"],
            "//conditions:default": [],
        }),
        deps = deps + select({
            "//tools/fuzz:libfuzzer": [],
            "//conditions:default": ["//tools/fuzz:standalone_driver"],
        }),
        **kwargs
    )
