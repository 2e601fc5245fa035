# SPDX-License-Identifier: BSD-3-Clause
"""gh_guest_elf: a bare-metal AArch64 guest built from source (.S and
freestanding .c) with clang --target=aarch64-none-elf and lld.

Outputs <name>.elf and <name>.bin (the flat image, loaded at `base`).
No C library: guests are -ffreestanding -nostdlib; use
//tools/guests:common/start.S for a stack and .bss, or your own entry.
"""

_DEFAULT_LD = "//tools/guests:common/guest.ld"

def _hex(v):
    digits = "0123456789abcdef"
    out = ""
    for _ in range(16):
        out = digits[v % 16] + out
        v = v // 16
        if v == 0:
            break
    return "0x" + out

def gh_guest_elf(
        name,
        srcs,
        hdrs = [],
        linker_script = _DEFAULT_LD,
        base = 0x40000000,
        copts = [],
        **kwargs):
    """Declares the genrule that builds guest `name`.

    Args:
      name: target name; outputs are name + ".elf" and name + ".bin".
      srcs: .S and .c files (compiled for aarch64, freestanding).
      hdrs: headers the sources include (made visible to the compiler).
      linker_script: a linker script; it may use the symbol GUEST_BASE.
        None: lld's default layout with the text at `base` (-Ttext), which
        puts the ELF headers and read-only data in a segment of their own.
      base: load address of the image, passed as GUEST_BASE.
      copts: extra compiler flags.
      **kwargs: visibility, testonly, tags.
    """
    elf = name + ".elf"
    binf = name + ".bin"
    flags = [
        "--target=aarch64-none-elf",
        "-march=armv8-a",
        "-mgeneral-regs-only",
        "-ffreestanding",
        "-fno-builtin",
        "-fno-pic",
        "-fno-stack-protector",
        "-nostdlib",
        "-fuse-ld=lld",
        "-O2",
        "-Wall",
        "-Werror",
        "-static",
        "-Wl,--build-id=none",
        "-Wl,--defsym=GUEST_BASE=%s" % _hex(base),
    ] + copts
    if linker_script:
        layout = ["-Wl,-T,$(location %s)" % linker_script]
    else:
        layout = ["-Wl,-Ttext=%s" % _hex(base)]
    native.genrule(
        name = name,
        srcs = srcs + hdrs + ([linker_script] if linker_script else []),
        outs = [elf, binf],
        cmd = " ".join([
            "clang",
        ] + flags + [
            "-I$$(dirname $(location %s))" % h
            for h in hdrs
        ] + layout + [
            "-o $(location %s)" % elf,
        ] + ["$(location %s)" % s for s in srcs] + [
            "&& llvm-objcopy -O binary $(location %s) $(location %s)" % (elf, binf),
        ]),
        message = "Building AArch64 guest %s" % name,
        **kwargs
    )
