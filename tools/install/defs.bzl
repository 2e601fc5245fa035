# SPDX-License-Identifier: BSD-3-Clause
"""gh_install_library: one library as it is installed outside Bazel.

For a library made of several cc_library targets in its own packages, it
stages under <name>/:
  lib/lib<name>.a            every object of those targets (position
                             independent, so it links into PIE programs too)
  include/...                their public headers (what include/ exports)
  lib/pkgconfig/<name>.pc.in a pkg-config file with @PREFIX@ to substitute
tools/install/install.sh copies the staged trees into a prefix.
"""

load("@bazel_tools//tools/cpp:toolchain_utils.bzl", "find_cpp_toolchain")

_VIRTUAL = "/_virtual_includes/"

def _public_header_path(f):
    """include/-relative path of a public header, or None.

    gh_c_library exports include/ through strip_include_prefix, so every
    public header is reached through _virtual_includes/<target>/; the project
    puts them all under gunyah/ or linux/."""
    i = f.path.find(_VIRTUAL)
    if i < 0:
        return None
    rest = f.path[i + len(_VIRTUAL):]
    rel = rest[rest.find("/") + 1:]
    if rel.startswith("gunyah/") or rel.startswith("linux/"):
        return rel
    return None

def _impl(ctx):
    name = ctx.attr.name
    packages = ctx.attr.packages
    objects = {}
    headers = {}
    for dep in ctx.attr.deps:
        cc = dep[CcInfo]
        for li in cc.linking_context.linker_inputs.to_list():
            owner = li.owner
            if owner.workspace_name != "" or owner.package not in packages:
                continue
            for lib in li.libraries:
                for o in (lib.pic_objects or lib.objects or []):
                    objects[o.path] = o
        for h in cc.compilation_context.headers.to_list():
            if h.owner == None or h.owner.workspace_name != "":
                continue
            if h.owner.package not in packages:
                continue
            rel = _public_header_path(h)
            if rel:
                headers[rel] = h

    outs = []
    for rel, h in sorted(headers.items()):
        out = ctx.actions.declare_file(name + "/include/" + rel)
        ctx.actions.symlink(output = out, target_file = h)
        outs.append(out)

    libs = ""
    if objects:
        cc_toolchain = find_cpp_toolchain(ctx)
        archive = ctx.actions.declare_file(name + "/lib/lib" + name + ".a")
        objs = [objects[k] for k in sorted(objects.keys())]
        args = ctx.actions.args()
        args.add("rcsD")
        args.add(archive)
        args.add_all(objs)
        ctx.actions.run(
            executable = cc_toolchain.ar_executable,
            arguments = [args],
            inputs = depset(objs, transitive = [cc_toolchain.all_files]),
            outputs = [archive],
            mnemonic = "GhInstallArchive",
            progress_message = "Archiving lib%s.a for installation" % name,
        )
        outs.append(archive)
        libs = "-L${libdir} -l" + name

    pc = ctx.actions.declare_file(name + "/lib/pkgconfig/" + name + ".pc.in")
    lines = [
        "prefix=@PREFIX@",
        "libdir=${prefix}/lib",
        "includedir=${prefix}/include",
        "",
        "Name: " + name,
        "Description: " + ctx.attr.description,
        "Version: " + ctx.attr.version,
    ]
    if ctx.attr.requires:
        lines.append("Requires: " + ", ".join(ctx.attr.requires))
    lines.append("Cflags: -I${includedir}")
    if libs:
        lines.append("Libs: " + libs)
    if ctx.attr.libs_private:
        lines.append("Libs.private: " + " ".join(ctx.attr.libs_private))
    ctx.actions.write(pc, "\n".join(lines) + "\n")
    outs.append(pc)
    return [DefaultInfo(files = depset(outs))]

gh_install_library = rule(
    implementation = _impl,
    attrs = {
        "deps": attr.label_list(providers = [CcInfo]),
        "packages": attr.string_list(
            mandatory = True,
            doc = "the packages whose objects and headers make this library",
        ),
        "description": attr.string(mandatory = True),
        "version": attr.string(default = "0.1"),
        "requires": attr.string_list(doc = "the installed libraries it needs (pkg-config names)"),
        "libs_private": attr.string_list(doc = "system libraries its static archive needs"),
        "_cc_toolchain": attr.label(default = "@bazel_tools//tools/cpp:current_cc_toolchain"),
    },
    toolchains = ["@bazel_tools//tools/cpp:toolchain_type"],
    incompatible_use_toolchain_transition = True,
)
