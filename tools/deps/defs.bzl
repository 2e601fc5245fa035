# SPDX-License-Identifier: BSD-3-Clause
"""DESIGN.md's dependency rules, checked by a test in every package.

gh_dependency_rules(), called last in a package's BUILD file, declares
:dependency_rules_test: it fails, naming the targets, when anything in the
package reaches (through deps, srcs or data, transitively) a package that
RULES forbids it. One table, here, is the only statement of the rules.
"""

_CORES = ["hypercall", "os", "rm", "vcpu", "vm_mgr"]

# The module, the VMM and what is built on top of them. tools/fuzz and
# tools/deps are build infrastructure, tools/guests guest payloads (data):
# any package may use them.
_ON_TOP = ["kmod", "tools/ghvmm", "tools/install", "bench"]
_EVERYTHING = _CORES + ["uapi", "devices", "sim", "backend", "conformance"] + _ON_TOP

def _all_but(*allowed):
    return [p for p in _EVERYTHING if p not in allowed]

# Top-level package -> packages (and their subpackages) it must never reach,
# or single targets ("//pkg:name") of a package it may otherwise use.
RULES = {
    "uapi": _all_but("uapi"),
    "hypercall": _all_but("hypercall"),
    "os": _all_but("os"),
    # The cores build into the module: no simulator, no module, no VMM.
    "vm_mgr": _all_but("vm_mgr", "uapi", "hypercall", "rm", "os"),
    "vcpu": _all_but("vcpu", "uapi", "hypercall", "vm_mgr", "rm", "os"),
    "rm": _all_but("rm", "hypercall", "os"),
    # Device models know nothing of Gunyah's driver or simulator.
    "devices": _all_but("devices"),
    # The simulator sits below the hypercall ABI: hypercall/ (it serves it),
    # uapi/'s constants, Unicorn and libfdt; of rm/, only the wire format and
    # the pure server framing (its RM server), never the RPC client; never
    # the cores above it nor the OS glue.
    "sim": _all_but("sim", "hypercall", "uapi", "rm") + ["//rm:rm"],
    "backend": ["devices", "conformance"] + _ON_TOP,
    # The UAPI's conformance cases run on a backend (in-process, the
    # simulator's): they know the ABIs' headers and <gunyah/backend.h>.
    "conformance": ["devices"] + _ON_TOP,
}

def gh_dependency_rules(testonly_too = True):
    """Declares :dependency_rules_test for the calling package.

    Args:
      testonly_too: check tests and test helpers as well as libraries.
    """
    pkg = native.package_name()
    top = pkg.split("/")[0]
    forbidden = RULES.get(top)
    if forbidden == None:
        fail("no dependency rule for package %s: add one to tools/deps/defs.bzl" % pkg)
    scope = []
    for name, rule in native.existing_rules().items():
        if rule["kind"] == "genquery":
            continue
        if not testonly_too and rule.get("testonly"):
            continue
        scope.append("//%s:%s" % (pkg, name))
    packages = sorted([p for p in forbidden if not p.startswith("//")])
    targets = sorted([t for t in forbidden if t.startswith("//")])
    regex = "^//(%s)[/:]" % "|".join(packages)
    if targets:
        regex += "|^(%s)$" % "|".join(targets)
    native.genquery(
        name = "dependency_rules_query",
        testonly = True,
        expression = 'filter("%s", deps(set(%s)))' % (regex, " ".join(scope)),
        scope = scope,
        visibility = ["//visibility:private"],
    )
    native.sh_test(
        name = "dependency_rules_test",
        size = "small",
        srcs = ["//tools/deps:dependency_rules_test.sh"],
        args = [pkg, "'%s'" % " ".join(sorted(forbidden)), "$(location :dependency_rules_query)"],
        data = [":dependency_rules_query"],
    )
