/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * MMIO: finding the instruction behind a guest access outside RAM, and the VMMIO exit.
 */
#ifndef GH_SIM_MMIO_H
#define GH_SIM_MMIO_H

#include <stdbool.h>
#include <stdint.h>

#include <gunyah/sim.h>
#include <unicorn/unicorn.h>

#include "decode.h"

struct gh_sim_vcpu;

#define GH_SIM_MAX_HOLES   (2 * GH_SIM_MAX_REGIONS + 8)
#define GH_SIM_DCACHE_SIZE 64 /* decode cache entries (power of 2) */
#define GH_SIM_DCACHE_SPAN 4  /* instructions from scan start to access */

/* A guest-physical range that is neither RAM nor the GIC, mapped as MMIO. */
struct gh_sim_hole {
	struct gh_sim_vcpu *vcpu;
	uint64_t base;
};

/*
 * A decode cache entry: "an MMIO access found while scanning from @key was
 * made by the load/store @n - 1 instructions later, and the instructions in
 * between access no memory". It is only a hint: a hit re-reads the @n
 * instruction words (through the stage-1 walk when the MMU is on) and must
 * find exactly @words, and the access address must again be computed from
 * the registers and cover the access, so the result is always the one the
 * full scan would give (self-modifying code, code written by the VMM or
 * another vCPU, remapping: the words differ and the scan runs).
 */
struct gh_sim_dcache_entry {
	uint64_t key; /* VA the scan started at */
	bool valid;
	bool mmu_on;
	uint8_t n;            /* 1..GH_SIM_DCACHE_SPAN */
	const uint32_t *host; /* MMU off: host address of words[0] */
	uint32_t words[GH_SIM_DCACHE_SPAN];
	struct gh_sim_ldst d; /* the decode of words[n - 1] */
};

/* A vCPU's MMIO state (fiber side only). */
struct gh_sim_mmio_cpu {
	struct gh_sim_hole holes[GH_SIM_MAX_HOLES];
	unsigned int nholes;
	bool pending; /* a VMMIO exit awaits the host's answer */

	/* an 8-byte MMIO access Unicorn split into two 4-byte callbacks */
	bool split_active;
	bool split_write;
	uint64_t split_addr; /* address of the second half */
	uint64_t split_base; /* address of the whole access */
	uint64_t split_value;

	/* the instruction of the current MMIO access, when it was found */
	bool acc_decoded;
	uint64_t acc_pc;
	struct gh_sim_ldst acc_d;

	/* locating the instruction of an MMIO access */
	uint64_t tb_start; /* set by the block hook, or the PC (exec.h) */
	uint64_t scan_pc;
	struct gh_sim_dcache_entry dcache[GH_SIM_DCACHE_SIZE];
	uint64_t undecoded; /* MMIO accesses matched to no instruction */
};

/* Unicorn MMIO callbacks of a hole (@user: its struct gh_sim_hole). */
uint64_t gh_sim_hole_read(uc_engine *uc, uint64_t offset, unsigned int size, void *user);
void gh_sim_hole_write(uc_engine *uc, uint64_t offset, unsigned int size, uint64_t value,
                       void *user);
/* UC_HOOK_MEM_WRITE_PROT: a store to a read-only region is a VMMIO write. */
bool gh_sim_hook_write_prot(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                            void *user);
/* The load/store behind an access at @gpa in the current translation block
 * (the decode cache, else a scan): its decode and address. */
bool gh_sim_mmio_locate(struct gh_sim_vcpu *v, uint64_t gpa, bool is_write, struct gh_sim_ldst *out,
                        uint64_t *insn_pc);
/* UC_HOOK_MEM_{READ,FETCH}_PROT, UNMAPPED: a PAGE_FAULT for guest RAM
 * (page_fault.c), else ends the VM. */
bool gh_sim_hook_bad_mem(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                         void *user);

#endif /* GH_SIM_MMIO_H */
