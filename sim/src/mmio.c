// SPDX-License-Identifier: BSD-3-Clause
/*
 * MMIO: the load/store behind an access outside RAM (a decode cache), and the VMMIO exit.
 *
 * Unicorn gives neither a syndrome nor a precise PC in memory callbacks: the
 * block hook records each translation block's start, and an access decodes
 * forward from the last matched instruction of the block to the first
 * load/store whose address, computed from the current registers, covers
 * the access. The access completes inside the callback with the VMM's
 * value (the fiber is suspended there across the exit).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sim_internal.h"
#include "walk.h"

/* The host address of the instruction word at guest VA @va with the MMU
 * off (NULL when it is not in RAM). */
static const uint32_t *insn_host(struct gh_sim_vcpu *v, uint64_t va)
{
	const struct gh_sim_region *r = gh_sim_vm_region(v->vm, va, 4);

	return r ? (const uint32_t *)(const void *)(r->host + (va - r->gpa)) : NULL;
}

/* Does instruction @d at @pc make the access at @gpa? */
static bool ldst_covers(struct gh_sim_vcpu *v, const struct gh_sim_ldst *d, uint64_t pc,
                        uint64_t gpa, bool is_write)
{
	uint64_t addr;

	return d->kind != GH_SIM_LDST_NONE &&
	       (d->kind == GH_SIM_LDST_NO_SYNDROME || d->is_store == is_write) &&
	       gh_sim_ldst_address(d, pc, gh_sim_xreg, v, &addr) &&
	       (!v->sysreg.mmu_on || gh_sim_translate(v, addr, &addr)) &&
	       gpa - addr < (uint64_t)d->len;
}

static struct gh_sim_dcache_entry *dcache_slot(struct gh_sim_vcpu *v, uint64_t key)
{
	return &v->mmio.dcache[(key >> 2) & (GH_SIM_DCACHE_SIZE - 1)];
}

/* The decode cache: the scan's answer when the entry still holds (see
 * struct gh_sim_dcache_entry), else false. */
static bool dcache_lookup(struct gh_sim_vcpu *v, uint64_t gpa, bool is_write,
                          struct gh_sim_ldst *out, uint64_t *insn_pc)
{
	const struct gh_sim_dcache_entry *e = dcache_slot(v, v->mmio.scan_pc);
	uint64_t pc;
	unsigned int i;

	if (!e->valid || e->key != v->mmio.scan_pc || e->mmu_on != v->sysreg.mmu_on)
		return false;
	for (i = 0; i < e->n; i++) {
		uint32_t insn;

		if (e->host) /* guest RAM may change under us: read it once */
			insn = __atomic_load_n(&e->host[i], __ATOMIC_RELAXED);
		else if (!gh_sim_fetch_insn(v, e->key + 4 * i, &insn))
			return false;
		if (insn != e->words[i])
			return false;
	}
	pc = e->key + 4 * (e->n - 1U);
	if (!ldst_covers(v, &e->d, pc, gpa, is_write))
		return false;
	*out = e->d;
	*insn_pc = pc;
	v->mmio.scan_pc = pc + 4;
	v->stats.decode_hits++;
	return true;
}

/* Without the block hook, the engine's PC in a memory callback is the
 * accessing instruction (third_party/unicorn's patch): the search and the
 * crash reports start there. */
static void sync_pc(struct gh_sim_vcpu *v)
{
	if (gh_sim_stop_at_block) {
		uint64_t pc = gh_sim_reg_read(v, UC_ARM64_REG_PC);

		v->mmio.tb_start = pc;
		v->mmio.scan_pc = pc;
	}
}

/* Finds the instruction behind an MMIO access at @gpa: scans the current
 * translation block from the last matched instruction (through the decode
 * cache when it can). */
static bool locate_access(struct gh_sim_vcpu *v, uint64_t gpa, bool is_write,
                          struct gh_sim_ldst *out, uint64_t *insn_pc)
{
	uint32_t words[GH_SIM_DCACHE_SPAN];
	uint64_t start, pc;
	bool cacheable = true;
	unsigned int i;

	sync_pc(v);
	start = pc = v->mmio.scan_pc;

	if (dcache_lookup(v, gpa, is_write, out, insn_pc))
		return true;
	v->stats.decode_scans++;
	for (i = 0; i < 512; i++, pc += 4) {
		struct gh_sim_ldst d;
		uint32_t insn;

		if (!gh_sim_fetch_insn(v, pc, &insn))
			return false;
		gh_sim_decode_ldst(insn, &d);
		if (i < GH_SIM_DCACHE_SPAN)
			words[i] = insn;
		if (ldst_covers(v, &d, pc, gpa, is_write)) {
			*out = d;
			*insn_pc = pc;
			v->mmio.scan_pc = pc + 4;
			if (cacheable && i < GH_SIM_DCACHE_SPAN) {
				struct gh_sim_dcache_entry *e = dcache_slot(v, start);

				e->key = start;
				e->mmu_on = v->sysreg.mmu_on;
				e->n = (uint8_t)(i + 1);
				e->host = v->sysreg.mmu_on ? NULL : insn_host(v, start);
				if (e->host && insn_host(v, pc) != e->host + i)
					e->host = NULL; /* crosses a region: fetch */
				memcpy(e->words, words, (i + 1) * sizeof(words[0]));
				e->d = d;
				e->valid = true;
			}
			return true;
		}
		if (d.kind == GH_SIM_LDST_NO_SYNDROME && d.mode == GH_SIM_ADDR_UNKNOWN) {
			*out = d; /* can't compute: assume it is this one */
			*insn_pc = pc;
			return true;
		}
		/* a skipped load/store could be the access another time */
		if (d.kind != GH_SIM_LDST_NONE)
			cacheable = false;
		if (gh_sim_insn_ends_block(insn))
			return false;
	}
	return false;
}

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? ~0ULL : (1ULL << (8 * size)) - 1;
}

/* A VMMIO exit: returns the read's value (or 0 for a write). */
static uint64_t vmmio_exit(struct gh_sim_vcpu *v, uint64_t gpa, unsigned int size, bool is_write,
                           uint64_t value)
{
	for (;;) {
		if (is_write)
			gh_sim_post(v, GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE, gpa, size,
			            value & size_mask(size));
		else
			gh_sim_post(v, GH_VCPU_STATE_ADDRSPACE_VMMIO_READ, gpa, size, 0);
		v->mmio.pending = true;
		v->stats.mmio_exits++;
		gh_sim_yield(v);
		if (v->run.terminate) {
			gh_sim_stop(v);
			return 0;
		}
		switch (v->run.resume[1]) {
		case GH_VMMIO_ACTION_EMULATE:
			return is_write ? 0 : v->run.resume[0] & size_mask(size);
		case GH_VMMIO_ACTION_RETRY:
			continue;
		default:
			/* FAULT: the value returned is discarded
			 * (gh_sim_deliver_sync restores a load's register) */
			if (gh_sim_request_data_abort(v))
				return 0;
			gh_sim_crash(v, GH_SIM_CRASH_VMMIO_FAULT, v->mmio.tb_start,
			             "the VMM asked for an abort on an MMIO access whose "
			             "instruction was not found");
			gh_sim_park(v);
			return 0;
		}
	}
}

/* Every guest access outside RAM and the GIC: classify it like a hardware
 * data abort would and turn it into a VMMIO exit, or end the VM. */
static uint64_t mmio_access(struct gh_sim_vcpu *v, uint64_t gpa, unsigned int cb_size,
                            bool is_write, uint64_t value)
{
	struct gh_sim_ldst d;
	uint64_t pc = v->mmio.tb_start, val;
	unsigned int size = cb_size;
	char what[96];

	if (v->mmio.split_active) {
		v->mmio.split_active = false;
		if (gpa == v->mmio.split_addr && is_write == v->mmio.split_write && cb_size == 4) {
			if (!is_write)
				return v->mmio.split_value;
			return vmmio_exit(v, v->mmio.split_base, 8, true,
			                  (v->mmio.split_value & 0xffffffffULL) | (value << 32));
		}
	}
	v->mmio.acc_decoded = false;
	if (locate_access(v, gpa, is_write, &d, &pc)) {
		if (d.kind == GH_SIM_LDST_NO_SYNDROME) {
			snprintf(what, sizeof(what),
			         "%s to MMIO address 0x%" PRIx64 " has no valid syndrome", d.reason,
			         gpa);
			gh_sim_crash(v, GH_SIM_CRASH_MMIO_NO_SYNDROME, pc, what);
			gh_sim_park(v);
			return 0;
		}
		size = d.size;
		v->mmio.acc_decoded = true;
		v->mmio.acc_pc = pc;
		v->mmio.acc_d = d;
	} else {
		v->mmio.undecoded++;
	}
	if (size > cb_size) {
		/* Unicorn splits an 8-byte MMIO access into two 4-byte calls */
		if (size != 8 || cb_size != 4 || (gpa & 7)) {
			snprintf(what, sizeof(what), "unaligned %u-byte MMIO access at 0x%" PRIx64,
			         size, gpa);
			gh_sim_crash(v, GH_SIM_CRASH_MMIO_NO_SYNDROME, pc, what);
			gh_sim_park(v);
			return 0;
		}
		v->mmio.split_active = true;
		v->mmio.split_write = is_write;
		v->mmio.split_addr = gpa + 4;
		v->mmio.split_base = gpa;
		if (is_write) {
			v->mmio.split_value = value;
			return 0;
		}
		val = vmmio_exit(v, gpa, 8, false, 0);
		v->mmio.split_value = val >> 32;
		return val & 0xffffffffULL;
	}
	return vmmio_exit(v, gpa, size, is_write, value);
}

uint64_t gh_sim_hole_read(uc_engine *uc, uint64_t offset, unsigned int size, void *user)
{
	struct gh_sim_hole *h = user;

	(void)uc;
	return mmio_access(h->vcpu, h->base + offset, size, false, 0);
}

void gh_sim_hole_write(uc_engine *uc, uint64_t offset, unsigned int size, uint64_t value,
                       void *user)
{
	struct gh_sim_hole *h = user;

	(void)uc;
	mmio_access(h->vcpu, h->base + offset, size, true, value);
}

/* A write to a read-only region: a VMMIO write, then the instruction is
 * skipped. */
bool gh_sim_hook_write_prot(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                            void *user)
{
	struct gh_sim_vcpu *v = user;
	struct gh_sim_ldst d;
	uint64_t pc;
	char what[96];

	(void)type;
	if (!locate_access(v, addr, true, &d, &pc)) {
		snprintf(what, sizeof(what),
		         "write to read-only 0x%" PRIx64 " by an instruction not found", addr);
		gh_sim_crash(v, GH_SIM_CRASH_BAD_MEMORY, v->mmio.tb_start, what);
		gh_sim_park(v);
		return false;
	}
	if (d.kind != GH_SIM_LDST_VALID) {
		snprintf(what, sizeof(what),
		         "%s to read-only address 0x%" PRIx64 " has no valid syndrome", d.reason,
		         addr);
		gh_sim_crash(v, GH_SIM_CRASH_MMIO_NO_SYNDROME, pc, what);
		gh_sim_park(v);
		return false;
	}
	v->mmio.acc_decoded = true;
	v->mmio.acc_pc = pc;
	v->mmio.acc_d = d;
	vmmio_exit(v, addr, d.size, true, (uint64_t)value);
	(void)uc;
	(void)size;
	if (v->exc.pending)
		return false; /* a data abort, taken by the fiber loop */
	/* Refusing the write ends uc_emu_start (a hook's "handled" would let
	 * the store reach the read-only memory); the fiber loop resumes after
	 * the store. */
	v->run.resume_pc = pc + 4;
	v->run.resume_pc_valid = !v->run.terminate;
	return false;
}

bool gh_sim_mmio_locate(struct gh_sim_vcpu *v, uint64_t gpa, bool is_write, struct gh_sim_ldst *out,
                        uint64_t *insn_pc)
{
	return locate_access(v, gpa, is_write, out, insn_pc);
}

/* A read or fetch in guest RAM without that permission is a PAGE_FAULT
 * (page_fault.c); anything else here ends the VM. */
bool gh_sim_hook_bad_mem(uc_engine *uc, uc_mem_type type, uint64_t addr, int size, int64_t value,
                         void *user)
{
	struct gh_sim_vcpu *v = user;
	char what[96];

	(void)uc;
	(void)size;
	(void)value;
	sync_pc(v);
	if ((type == UC_MEM_READ_PROT || type == UC_MEM_FETCH_PROT) &&
	    gh_sim_page_fault(v, type == UC_MEM_FETCH_PROT, addr))
		return false;
	snprintf(what, sizeof(what), "%s at 0x%" PRIx64 " not permitted",
	         type == UC_MEM_FETCH_PROT || type == UC_MEM_FETCH_UNMAPPED ? "instruction fetch" :
	         type == UC_MEM_READ_PROT                                   ? "read" :
	                                                                      "access",
	         addr);
	gh_sim_crash(v, GH_SIM_CRASH_BAD_MEMORY, v->mmio.tb_start, what);
	return false;
}
