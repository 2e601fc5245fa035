cmd_/work/main/kmod/build/arm64/transport_smccc.o :=  aarch64-linux-gnu-gcc-12 -Wp,-MMD,/work/main/kmod/build/arm64/.transport_smccc.o.d -nostdinc -I/work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include -I./arch/arm64/include/generated -I/work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include -I./include -I/work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/uapi -I./arch/arm64/include/generated/uapi -I/work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi -I./include/generated/uapi -include /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler-version.h -include /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/kconfig.h -include /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler_types.h -D__KERNEL__ -mlittle-endian -DCC_USING_PATCHABLE_FUNCTION_ENTRY -DKASAN_SHADOW_SCALE_SHIFT= -fmacro-prefix-map=/work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/= -Wall -Wundef -Werror=strict-prototypes -Wno-trigraphs -fno-strict-aliasing -fno-common -fshort-wchar -fno-PIE -Werror=implicit-function-declaration -Werror=implicit-int -Werror=return-type -Wno-format-security -std=gnu11 -mgeneral-regs-only -DCONFIG_CC_HAS_K_CONSTRAINT=1 -Wno-psabi -mabi=lp64 -fno-asynchronous-unwind-tables -fno-unwind-tables -mbranch-protection=pac-ret+leaf -Wa,-march=armv8.5-a -DARM64_ASM_ARCH='"armv8.5-a"' -DKASAN_SHADOW_SCALE_SHIFT= -fno-delete-null-pointer-checks -Wno-frame-address -Wno-format-truncation -Wno-format-overflow -Wno-address-of-packed-member -O2 -fno-allow-store-data-races -Wframe-larger-than=2048 -fstack-protector-strong -Wno-main -Wno-unused-but-set-variable -Wno-unused-const-variable -Wno-dangling-pointer -fno-omit-frame-pointer -fno-optimize-sibling-calls -ftrivial-auto-var-init=zero -fno-stack-clash-protection -fpatchable-function-entry=2 -Wvla -Wno-pointer-sign -Wcast-function-type -Wno-stringop-truncation -Wno-stringop-overflow -Wno-restrict -Wno-maybe-uninitialized -Wno-array-bounds -Wno-alloc-size-larger-than -Wimplicit-fallthrough=5 -fno-strict-overflow -fno-stack-check -fconserve-stack -Werror=date-time -Werror=incompatible-pointer-types -Werror=designated-init -fno-builtin-wcslen -Wno-packed-not-aligned -g -mstack-protector-guard=sysreg -mstack-protector-guard-reg=sp_el0 -mstack-protector-guard-offset=1360 -Werror -I/work/main/kmod/include -I/work/main/uapi/include -I/work/main/os/include -I/work/main/hypercall/include -I/work/main/vm_mgr/include -I/work/main/vcpu/include -DGH_HYPERCALL_HVC -mno-outline-atomics  -DMODULE  -DKBUILD_BASENAME='"transport_smccc"' -DKBUILD_MODNAME='"gunyah"' -D__KBUILD_MODNAME=kmod_gunyah -c -o /work/main/kmod/build/arm64/transport_smccc.o /work/main/kmod/build/arm64/transport_smccc.c  

source_/work/main/kmod/build/arm64/transport_smccc.o := /work/main/kmod/build/arm64/transport_smccc.c

deps_/work/main/kmod/build/arm64/transport_smccc.o := \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler-version.h \
    $(wildcard include/config/CC_VERSION_TEXT) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/kconfig.h \
    $(wildcard include/config/CPU_BIG_ENDIAN) \
    $(wildcard include/config/BOOGER) \
    $(wildcard include/config/FOO) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler_types.h \
    $(wildcard include/config/DEBUG_INFO_BTF) \
    $(wildcard include/config/PAHOLE_HAS_BTF_TAG) \
    $(wildcard include/config/HAVE_ARCH_COMPILER_H) \
    $(wildcard include/config/CC_HAS_ASM_INLINE) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler_attributes.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler-gcc.h \
    $(wildcard include/config/RETPOLINE) \
    $(wildcard include/config/GCC_ASM_GOTO_OUTPUT_WORKAROUND) \
    $(wildcard include/config/ARCH_USE_BUILTIN_BSWAP) \
    $(wildcard include/config/SHADOW_CALL_STACK) \
    $(wildcard include/config/KCOV) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/asm/compiler.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/arm-smccc.h \
    $(wildcard include/config/ARM64) \
    $(wildcard include/config/HAVE_ARM_SMCCC) \
    $(wildcard include/config/ARM) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/init.h \
    $(wildcard include/config/HAVE_ARCH_PREL32_RELOCATIONS) \
    $(wildcard include/config/STRICT_KERNEL_RWX) \
    $(wildcard include/config/STRICT_MODULE_RWX) \
    $(wildcard include/config/LTO_CLANG) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler.h \
    $(wildcard include/config/TRACE_BRANCH_PROFILING) \
    $(wildcard include/config/PROFILE_ALL_BRANCHES) \
    $(wildcard include/config/OBJTOOL) \
    $(wildcard include/config/64BIT) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/compiler_types.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/asm/rwonce.h \
    $(wildcard include/config/LTO) \
    $(wildcard include/config/AS_HAS_LDAPR) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/rwonce.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/kasan-checks.h \
    $(wildcard include/config/KASAN_GENERIC) \
    $(wildcard include/config/KASAN_SW_TAGS) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/types.h \
    $(wildcard include/config/HAVE_UID16) \
    $(wildcard include/config/UID16) \
    $(wildcard include/config/ARCH_DMA_ADDR_T_64BIT) \
    $(wildcard include/config/PHYS_ADDR_T_64BIT) \
    $(wildcard include/config/ARCH_32BIT_USTAT_F_TINODE) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/types.h \
  arch/arm64/include/generated/uapi/asm/types.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/types.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/int-ll64.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/int-ll64.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/uapi/asm/bitsperlong.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/bitsperlong.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/bitsperlong.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/posix_types.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/stddef.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/stddef.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/uapi/asm/posix_types.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/posix_types.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/kcsan-checks.h \
    $(wildcard include/config/KCSAN) \
    $(wildcard include/config/KCSAN_WEAK_MEMORY) \
    $(wildcard include/config/KCSAN_IGNORE_ATOMICS) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/const.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/linkage.h \
    $(wildcard include/config/ARCH_USE_SYM_ANNOTATIONS) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/stringify.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/export.h \
    $(wildcard include/config/MODVERSIONS) \
    $(wildcard include/config/MODULES) \
    $(wildcard include/config/TRIM_UNUSED_KSYMS) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/asm/linkage.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/build_bug.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/string.h \
    $(wildcard include/config/BINARY_PRINTF) \
    $(wildcard include/config/FORTIFY_SOURCE) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/array_size.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/err.h \
  arch/arm64/include/generated/uapi/asm/errno.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/errno.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/errno-base.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/errno.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/errno.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/overflow.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/limits.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/limits.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/vdso/limits.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/const.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/vdso/const.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/stdarg.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/string.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/asm/string.h \
    $(wildcard include/config/ARCH_HAS_UACCESS_FLUSHCACHE) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/fortify-string.h \
    $(wildcard include/config/KMSAN) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/bug.h \
    $(wildcard include/config/GENERIC_BUG) \
    $(wildcard include/config/BUG_ON_DATA_CORRUPTION) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/asm/bug.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/asm/asm-bug.h \
    $(wildcard include/config/DEBUG_BUGVERBOSE) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/asm/brk-imm.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/bug.h \
    $(wildcard include/config/BUG) \
    $(wildcard include/config/GENERIC_BUG_RELATIVE_POINTERS) \
    $(wildcard include/config/SMP) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/instrumentation.h \
    $(wildcard include/config/NOINSTR_VALIDATION) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/once_lite.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/panic.h \
    $(wildcard include/config/PANIC_TIMEOUT) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/printk.h \
    $(wildcard include/config/MESSAGE_LOGLEVEL_DEFAULT) \
    $(wildcard include/config/CONSOLE_LOGLEVEL_DEFAULT) \
    $(wildcard include/config/CONSOLE_LOGLEVEL_QUIET) \
    $(wildcard include/config/EARLY_PRINTK) \
    $(wildcard include/config/PRINTK) \
    $(wildcard include/config/PRINTK_INDEX) \
    $(wildcard include/config/DYNAMIC_DEBUG) \
    $(wildcard include/config/DYNAMIC_DEBUG_CORE) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/kern_levels.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/ratelimit_types.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/bits.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/vdso/bits.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/param.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/uapi/asm/param.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/param.h \
    $(wildcard include/config/HZ) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/param.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/spinlock_types_raw.h \
    $(wildcard include/config/DEBUG_SPINLOCK) \
    $(wildcard include/config/DEBUG_LOCK_ALLOC) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/asm/spinlock_types.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/qspinlock_types.h \
    $(wildcard include/config/NR_CPUS) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/asm-generic/qrwlock_types.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/uapi/asm/byteorder.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/byteorder/little_endian.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/byteorder/little_endian.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/swab.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/linux/swab.h \
  arch/arm64/include/generated/uapi/asm/swab.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/uapi/asm-generic/swab.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/byteorder/generic.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/lockdep_types.h \
    $(wildcard include/config/PROVE_RAW_LOCK_NESTING) \
    $(wildcard include/config/LOCKDEP) \
    $(wildcard include/config/LOCK_STAT) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/dynamic_debug.h \
    $(wildcard include/config/JUMP_LABEL) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/include/linux/jump_label.h \
    $(wildcard include/config/HAVE_ARCH_JUMP_LABEL_RELATIVE) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/asm/jump_label.h \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/asm/insn.h \
    $(wildcard include/config/ARM64_LSE_ATOMICS) \
  /work/main/.deps/kernel/usr/src/linux-headers-6.1.0-56-common/arch/arm64/include/asm/insn-def.h \
  /work/main/kmod/build/arm64/core/hypercall/transport.h \
  /work/main/hypercall/include/gunyah/hypercall.h \

/work/main/kmod/build/arm64/transport_smccc.o: $(deps_/work/main/kmod/build/arm64/transport_smccc.o)

$(deps_/work/main/kmod/build/arm64/transport_smccc.o):
