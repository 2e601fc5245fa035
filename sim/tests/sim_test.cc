// SPDX-License-Identifier: BSD-3-Clause
// The simulator through the hypercall ABI, with guest programs assembled
// from sim/tests/guests/.
#include <thread>

#include "harness.h"

extern "C" {
#include <linux/gunyah.h>
}

namespace simtest {
namespace {

constexpr uint64_t P = kEchoPattern;

TEST(Sim, IdentifiesAsGunyah)
{
	Vm vm("spin", {});
	struct gh_hypercall_hyp_identify_resp id;

	EXPECT_TRUE(gh_hypercall_is_gunyah());
	ASSERT_TRUE(gh_hypercall_probe(true, &id));
	EXPECT_EQ(GH_API_V1, gh_api_version(&id));
	EXPECT_TRUE(gh_api_is_64bit(&id));
	EXPECT_TRUE(gh_api_has_feature(&id, GH_FEATURE_VCPU));
	EXPECT_TRUE(gh_api_has_feature(&id, GH_FEATURE_DOORBELL));
	EXPECT_TRUE(gh_api_has_feature(&id, GH_FEATURE_MSGQUEUE)); // the RM's queues
	EXPECT_EQ(0u, id.flags[1]);
	EXPECT_EQ(0u, id.flags[2]);
}

TEST(Sim, EveryLoadStoreFormAgainstEcho)
{
	Vm vm("mmio_forms", {});

	ASSERT_EQ(0, vm.Start());
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, vm.RunToExit(0));
	const uint64_t want[] = {
		0x87,
		0x9687,
		0xb4a59687,
		P,
		0xffffff87,
		0xffffffffffffff87ULL,
		0xffff9687,
		0xffffffffffff9687ULL,
		0xffffffffb4a59687ULL,
		P,
		P,
		0xb4a59687,
		P,
		0xb4a59687,
		P,
		0x9687,
		0xffffffffffffff87ULL,
		0x77,
	};
	for (unsigned int i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		SCOPED_TRACE(i);
		EXPECT_EQ(want[i], vm.Result(i));
	}
	const uint64_t x6 = 0x7788556611223344ULL;
	const Access log[] = {
		{ 0x01, 1, false, 0 },          { 0x02, 2, false, 0 },
		{ 0x04, 4, false, 0 },          { 0x08, 8, false, 0 },
		{ 0x01, 1, false, 0 },          { 0x01, 1, false, 0 },
		{ 0x02, 2, false, 0 },          { 0x02, 2, false, 0 },
		{ 0x04, 4, false, 0 },          { 0x18, 8, false, 0 },
		{ 0x18, 8, false, 0 },          { 0x08, 4, false, 0 },
		{ 0x30, 8, false, 0 },          { 0x00, 4, false, 0 },
		{ 0x28, 8, false, 0 },          { 0x32, 2, false, 0 },
		{ 0x02, 1, false, 0 },          { 0x38, 8, false, 0 },
		{ 0x101, 1, true, 0x44 },       { 0x102, 2, true, 0x3344 },
		{ 0x104, 4, true, 0x11223344 }, { 0x108, 8, true, x6 },
		{ 0xf0, 8, true, x6 },          { 0x18, 8, true, x6 },
		{ 0x00, 4, true, 0x11223344 },  { 0xe0, 4, true, 0x11223344 },
		{ 0x128, 8, true, 0 },          { 0x08, 4, true, 0x11223344 },
	};
	std::vector<Access> got = vm.Log();
	ASSERT_EQ(sizeof(log) / sizeof(log[0]), got.size());
	for (unsigned int i = 0; i < got.size(); i++) {
		SCOPED_TRACE(i);
		EXPECT_EQ(kEchoBase + log[i].addr, got[i].addr);
		EXPECT_EQ(log[i].size, got[i].size);
		EXPECT_EQ(log[i].is_write, got[i].is_write);
		EXPECT_EQ(log[i].value, got[i].value);
	}
	EXPECT_EQ(std::vector<uint64_t>{ 0x600d }, vm.Reports());
	EXPECT_EQ(1, vm.exits_);
	EXPECT_EQ(GH_VM_EXIT_TYPE_PSCI_POWER_OFF, vm.exit_type_);
	EXPECT_FALSE(vm.crashed_);
	EXPECT_EQ(vm.Reason(), vm.description_);
}

// Unicorn's register ids for x29 and x30 are not X0 + 29 and X0 + 30 (that is
// V0 and V1, 16 bytes each): MMIO through them, and MSR/MRS with them, must
// reach the real x29 and x30.
TEST(Sim, X29AndX30AreGeneralRegisters)
{
	Vm vm("x29_x30", {});

	ASSERT_EQ(0, vm.Start());
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, vm.RunToExit(0));
	EXPECT_FALSE(vm.crashed_) << vm.Reason();
	EXPECT_EQ(0xf0e1d2c3b4a59687ULL, vm.Result(0)); // the echo's answer, in x30
	EXPECT_EQ(0xf0u, vm.Result(1));                 // ICC_PMR_EL1 through x29 and x30
	const std::vector<Access> got = vm.Log();
	ASSERT_EQ(2u, got.size());
	EXPECT_EQ(kEchoBase + 0x10, got[0].addr);
	EXPECT_TRUE(got[0].is_write);
	EXPECT_EQ(8u, got[0].size);
	EXPECT_EQ(0x1234abcdu, got[0].value);
	EXPECT_EQ(kEchoBase + 0x08, got[1].addr);
	EXPECT_FALSE(got[1].is_write);
}

TEST(Sim, FreestandingCGuest)
{
	Vm vm("cguest", {});

	ASSERT_EQ(0, vm.Start());
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, vm.RunToExit(0));
	EXPECT_EQ((std::vector<uint64_t>{ 0, 4321 }), vm.Reports());
}

TEST(Sim, ResumeFromAnotherThread)
{
	Vm vm("mmio_forms", {});
	struct gh_hypercall_vcpu_run_resp r = {};

	ASSERT_EQ(0, vm.Start());
	ASSERT_EQ(GH_ERROR_OK, vm.RunSkipReady(0, &r));
	ASSERT_EQ(GH_VCPU_STATE_ADDRSPACE_VMMIO_READ, r.state);
	ASSERT_EQ(kEchoBase + 1, r.state_data[0]);
	// Completed and continued by another host thread.
	std::thread t([&] {
		struct gh_hypercall_vcpu_run_resp r2 = {};
		EXPECT_EQ(GH_ERROR_OK, vm.RunSkipReady(0, &r2, 0x87));
		EXPECT_EQ(GH_VCPU_STATE_ADDRSPACE_VMMIO_READ, r2.state);
		EXPECT_EQ(kEchoBase + 2, r2.state_data[0]);
		EXPECT_EQ(GH_ERROR_OK, vm.RunSkipReady(0, &r2, 0x9687));
	});
	t.join();
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, vm.RunToExit(0));
	EXPECT_EQ(0x87u, vm.Result(0));
	EXPECT_EQ(0x9687u, vm.Result(1));
	EXPECT_EQ(P, vm.Result(3));
}

TEST(Sim, ConcurrentRunOfOneVcpuIsRefused)
{
	Vm vm("spin", {});
	struct gh_hypercall_vcpu_run_resp r = {};
	std::atomic<bool> stop{ false };
	std::atomic<int> busy{ 0 };

	ASSERT_EQ(0, vm.Start());
	std::thread t([&] {
		struct gh_hypercall_vcpu_run_resp r2 = {};
		while (!stop)
			if (vm.Run(0, &r2) == GH_ERROR_BUSY)
				busy++;
	});
	for (int i = 0; i < 200 && !busy; i++)
		if (vm.Run(0, &r) == GH_ERROR_BUSY)
			busy++;
	stop = true;
	t.join();
	EXPECT_GT(busy.load(), 0);
}

struct NoSyndromeCase {
	uint64_t sel;
	const char *reason;
	uint32_t code;
};

// (LSE atomics, case 5 of the guest, are UNDEFINED on the Cortex-A72 model.)
TEST(Sim, UnemulatableAccessEndsTheVm)
{
	const NoSyndromeCase cases[] = {
		{ 0, "load/store pair", 1 }, { 1, "writeback", 1 },
		{ 2, "writeback", 1 },       { 3, "exclusive", 1 },
		{ 4, "load/store pair", 1 }, { 6, "undefined instruction", 2 },
	};
	for (const NoSyndromeCase &c : cases) {
		SCOPED_TRACE(c.sel);
		Vm::Options o;
		o.boot_x[0] = c.sel;
		Vm vm("nosyndrome", o);
		struct gh_hypercall_vcpu_run_resp r = {};

		ASSERT_EQ(0, vm.Start());
		ASSERT_EQ(GH_ERROR_OK, vm.RunSkipReady(0, &r));
		EXPECT_EQ(GH_VCPU_STATE_FAULT, r.state);
		ASSERT_EQ(GH_ERROR_OK, vm.RunSkipReady(0, &r));
		EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, r.state);
		EXPECT_EQ(GH_VCPU_POWEROFF_EXITED, r.state_data[0]);
		EXPECT_NE(std::string::npos, vm.Reason().find(c.reason)) << vm.Reason();
		EXPECT_EQ(vm.Reason(), vm.description_); // reported, not printed
		EXPECT_EQ(1, vm.exits_);
		EXPECT_TRUE(vm.crashed_);
		EXPECT_EQ(GH_VM_EXIT_TYPE_HYP_ERROR, vm.exit_type_);
		ASSERT_EQ(8u, vm.reason_.size());
		EXPECT_EQ(c.code, vm.reason_[0]);
		EXPECT_TRUE(vm.Log().empty());
	}
}

// ESR_EL1 of a data abort with a valid syndrome and DFSC = synchronous
// external abort; EC 0x25 from EL1, 0x24 from EL0.
uint64_t DataAbortEsr(bool from_el0, unsigned int size, bool sse, unsigned int srt, bool sf,
                      bool ar, bool wnr)
{
	unsigned int sas = size == 8 ? 3 : size == 4 ? 2 : size == 2 ? 1 : 0;

	return (uint64_t)(from_el0 ? 0x24 : 0x25) << 26 | 1ULL << 25 | 1ULL << 24 |
	       (uint64_t)sas << 22 | (uint64_t)sse << 21 | (uint64_t)srt << 16 |
	       (uint64_t)sf << 15 | (uint64_t)ar << 14 | (uint64_t)wnr << 6 | 0x10;
}

// The VMM answers MMIO accesses with FAULT: the guest takes a synchronous
// external abort at the faulting instruction on its own vectors (ESR, FAR,
// ELR, SPSR as hardware would set them; a faulted load leaves its register
// alone), then resumes after the instruction. UDF and SVC (EL1 and EL0) go
// to the vectors too. See sim/tests/guests/exc.S.
// An 8-byte store from the last 4 bytes of RAM into the MMIO hole above: the
// VMM cannot be given its MMIO half alone, so the VM ends with a reason and
// the guest does not run on (the hostile guest's "access across a
// boundary"). See guests/straddle.S.
TEST(Sim, AnAccessAcrossRamAndMmioEndsTheVm)
{
	Vm vm("straddle", {});

	ASSERT_EQ(0, vm.Start());
	vm.RunToExit(0);
	EXPECT_TRUE(vm.crashed_);
	EXPECT_NE(std::string::npos, vm.Reason().find("8-byte MMIO access at 0x40200000"))
		<< vm.Reason();
	EXPECT_TRUE(vm.Reports().empty());
}

// From EL0, the GIC's CPU interface and MPIDR_EL1 are UNDEFINED: the
// simulator's ICC_* emulation (of Unicorn's UNDEF) is EL1's only; EL0's
// access goes to the vectors as EC 0 and writes nothing (found by the hostile
// guest: EL0 could send SGIs and EOI interrupts). See guests/el0_sysreg.S.
TEST(Sim, SystemRegistersOfEl1AreUndefinedAtEl0)
{
	Vm vm("el0_sysreg", {});

	ASSERT_EQ(0, vm.Start());
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, vm.RunToExit(0));
	EXPECT_FALSE(vm.crashed_) << vm.Reason();
	std::vector<uint64_t> rep = vm.Reports();
	ASSERT_EQ(12u, rep.size());
	for (size_t i = 0; i < 5; i++) {
		SCOPED_TRACE(i);
		EXPECT_EQ(1ULL << 25, rep[2 * i]) << std::hex << rep[2 * i]; // EC 0, IL
		if (i)
			EXPECT_EQ(rep[2 * i - 1] + 4, rep[2 * i + 1]);
	}
	EXPECT_EQ(5u, rep[10]);
	EXPECT_EQ(0x5a5a0001u, rep[11]); // no MRS wrote x1
}

TEST(Sim, SynchronousExceptionsReachTheGuestsVectors)
{
	Vm vm("exc", {});
	const uint64_t fb = kEchoBase + 0x40;

	vm.fault_if = [&](uint64_t addr) { return addr - fb < 0x40; };
	ASSERT_EQ(0, vm.Start());
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, vm.RunToExit(0));
	EXPECT_FALSE(vm.crashed_) << vm.Reason();
	EXPECT_EQ(GH_VM_EXIT_TYPE_PSCI_POWER_OFF, vm.exit_type_);

	struct Case {
		const char *what;
		uint64_t esr;
		uint64_t far;     // 0: not checked (UNKNOWN)
		uint64_t elr_off; // ELR - the reported instruction address
		uint64_t spsr;
	};
	const uint64_t el1 = 0x600003c5, el0 = 0x3c0;
	const Case cases[] = {
		{ "ldr x2", DataAbortEsr(false, 8, false, 2, true, false, false), fb, 0, el1 },
		{ "str w3", DataAbortEsr(false, 4, false, 3, false, false, true), fb + 8, 0, el1 },
		{ "ldrsh x4", DataAbortEsr(false, 2, true, 4, true, false, false), fb + 0x12, 0,
		  el1 },
		{ "str x5", DataAbortEsr(false, 8, false, 5, true, false, true), fb + 0x18, 0,
		  el1 },
		{ "ldar w6", DataAbortEsr(false, 4, false, 6, false, true, false), fb + 0x20, 0,
		  el1 },
		{ "ldr w2 ending a block", DataAbortEsr(false, 4, false, 2, false, false, false),
		  fb + 0x28, 0, el1 },
		{ "udf", 1ULL << 25, 0, 0, el1 },
		{ "svc #0x77", 0x15ULL << 26 | 1ULL << 25 | 0x77, 0, 4, el1 },
		{ "ldr w8 at EL0", DataAbortEsr(true, 4, false, 8, false, false, false), fb + 0x30,
		  0, el0 },
		{ "svc #0x99 at EL0", 0x15ULL << 26 | 1ULL << 25 | 0x99, 0, 4, el0 },
	};
	const size_t n = sizeof(cases) / sizeof(cases[0]);
	std::vector<uint64_t> rep = vm.Reports();
	ASSERT_EQ(5 * n + 5, rep.size());
	for (size_t i = 0; i < n; i++) {
		const Case &c = cases[i];
		const uint64_t *r = &rep[5 * i];

		SCOPED_TRACE(c.what);
		EXPECT_EQ(c.esr, r[1]) << std::hex << r[1];
		if (c.far)
			EXPECT_EQ(c.far, r[2]) << std::hex << r[2];
		EXPECT_EQ(r[0] + c.elr_off, r[3]) << std::hex << r[3];
		EXPECT_EQ(c.spsr, r[4]) << std::hex << r[4];
	}
	// the loads' destination registers kept their values; one handler
	// entry per exception
	EXPECT_EQ(0x5a5a0002u, rep[5 * n]);
	EXPECT_EQ(0x5a5a0004u, rep[5 * n + 1]);
	EXPECT_EQ(0x5a5a0006u, rep[5 * n + 2]);
	EXPECT_EQ(0x5a5a0008u, rep[5 * n + 3]);
	EXPECT_EQ(n, rep[5 * n + 4]);

	// every faulted access reached the VMM once: none was repeated
	const Access want[] = {
		{ fb, 8, false, 0 },        { fb + 8, 4, true, 0x33333333 },
		{ fb + 0x12, 2, false, 0 }, { fb + 0x18, 8, true, 0x55555555 },
		{ fb + 0x20, 4, false, 0 }, { fb + 0x28, 4, false, 0 },
		{ fb + 0x30, 4, false, 0 },
	};
	ASSERT_EQ(sizeof(want) / sizeof(want[0]), vm.faulted_.size());
	for (size_t i = 0; i < vm.faulted_.size(); i++) {
		SCOPED_TRACE(i);
		EXPECT_EQ(want[i].addr, vm.faulted_[i].addr);
		EXPECT_EQ(want[i].size, vm.faulted_[i].size);
		EXPECT_EQ(want[i].is_write, vm.faulted_[i].is_write);
		EXPECT_EQ(want[i].value, vm.faulted_[i].value);
	}
	EXPECT_TRUE(vm.Log().empty());
	struct gh_sim_vcpu_stats st;
	ASSERT_EQ(0, gh_sim_vcpu_stats(vm.sim_, vm.capid_[0], &st));
	EXPECT_EQ(n, st.sync_exceptions);
}

// Without a vector table in memory at VBAR_EL1 (here the reset value 0), a
// FAULT answer still ends the VM, with the faulting instruction's PC.
TEST(Sim, MmioFaultWithoutVectorsEndsTheVm)
{
	Vm vm("mmio_forms", {});
	struct gh_hypercall_vcpu_run_resp r = {};

	ASSERT_EQ(0, vm.Start());
	ASSERT_EQ(GH_ERROR_OK, vm.RunSkipReady(0, &r));
	ASSERT_EQ(GH_VCPU_STATE_ADDRSPACE_VMMIO_READ, r.state);
	ASSERT_EQ(GH_ERROR_OK, vm.RunSkipReady(0, &r, 0, GH_VMMIO_ACTION_FAULT));
	EXPECT_EQ(GH_VCPU_STATE_FAULT, r.state);
	EXPECT_TRUE(vm.crashed_);
	EXPECT_NE(std::string::npos, vm.Reason().find("abort")) << vm.Reason();
	EXPECT_NE(std::string::npos, vm.Reason().find("no vector table")) << vm.Reason();
	ASSERT_EQ(8u, vm.reason_.size());
	EXPECT_EQ(5, vm.reason_[0]);
}

TEST(Sim, MmioDecodeWithTheMmuOn)
{
	{
		Vm::Options o;
		o.boot_x[0] = 0;
		Vm vm("mmu", o);

		ASSERT_EQ(0, vm.Start());
		EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, vm.RunToExit(0));
		std::vector<Access> log = vm.Log();
		ASSERT_EQ(1u, log.size()); // one 8-byte exit, not two halves
		EXPECT_EQ(kEchoBase + 8, log[0].addr);
		EXPECT_EQ(8u, log[0].size);
		EXPECT_EQ(std::vector<uint64_t>{ P }, vm.Reports());
		EXPECT_FALSE(vm.crashed_);
	}
	{
		Vm::Options o;
		o.boot_x[0] = 1;
		Vm vm("mmu", o);

		ASSERT_EQ(0, vm.Start());
		vm.RunToExit(0);
		EXPECT_TRUE(vm.crashed_);
		EXPECT_NE(std::string::npos, vm.Reason().find("load/store pair")) << vm.Reason();
		EXPECT_NE(std::string::npos, vm.Reason().find("pc 0x80000")) << vm.Reason();
	}
}

// Guest MMU faults reach the guest's vectors as the hardware would report
// them (Unicorn gives neither syndrome nor address): instruction vs data
// abort, fault kind and level, WnR, FAR and ELR; each handler repairs the
// mapping and the instruction is retried. See sim/tests/guests/mmufault.S.
TEST(Sim, GuestMmuFaultsReachTheGuestsVectors)
{
	Vm vm("mmufault", {});

	ASSERT_EQ(0, vm.Start());
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, vm.RunToExit(0));
	EXPECT_FALSE(vm.crashed_) << vm.Reason();
	EXPECT_EQ(GH_VM_EXIT_TYPE_PSCI_POWER_OFF, vm.exit_type_);

	const uint64_t dabt = 0x25ULL << 26 | 1ULL << 25, iabt = 0x21ULL << 26 | 1ULL << 25;
	const uint64_t wnr = 1 << 6;
	struct Case {
		const char *what;
		uint64_t esr;
		uint64_t far;                // 0: the reported PC
		std::vector<uint64_t> after; // what the retried code reports
	};
	const Case cases[] = {
		{ "ldr, unmapped page", dabt | 0x07, 0x401c0018, { 0x1111 } },
		{ "str, read-only page", dabt | wnr | 0x0f, 0x401c1024, { 0x2222 } },
		{ "blr to a PXN page", iabt | 0x0f, 0, { 0x42 } },
		{ "ldr, access flag", dabt | 0x0b, 0x401c3000, { 0x11223344 } },
		{ "ldr, level 2 translation", dabt | 0x06, 0x40200008, {} },
		{ "blr, level 1 translation", iabt | 0x05, 0, {} },
		{ "stp pre-index, unmapped", dabt | wnr | 0x07, 0x401c5030, { 0x78, 0x401c5030 } },
		{ "ldtr, EL1-only page", dabt | 0x0f, 0x401c6000, { 0x8888 } },
		{ "dc zva, read-only page", dabt | wnr | 0x0f, 0x401c7040, { 0x401c7040 } },
		{ "ldxr, misaligned", dabt | 0x21, 0x401c1101, {} },
		{ "ldr at EL0, EL1-only page", 0x24ULL << 26 | 1ULL << 25 | 0x0f, 0x401c8000, {} },
		{ "blr at EL0 to a UXN page", 0x20ULL << 26 | 1ULL << 25 | 0x0f, 0, {} },
	};
	const size_t n = sizeof(cases) / sizeof(cases[0]);
	std::vector<uint64_t> rep = vm.Reports();
	size_t at = 0;

	for (size_t i = 0; i < n; i++) {
		const Case &c = cases[i];

		SCOPED_TRACE(c.what);
		ASSERT_LE(at + 4 + c.after.size(), rep.size());
		const uint64_t pc = rep[at];

		EXPECT_EQ(c.esr, rep[at + 1]) << std::hex << rep[at + 1];
		EXPECT_EQ(c.far ? c.far : pc, rep[at + 2]) << std::hex << rep[at + 2];
		EXPECT_EQ(pc, rep[at + 3]) << std::hex << rep[at + 3];
		for (size_t j = 0; j < c.after.size(); j++)
			EXPECT_EQ(c.after[j], rep[at + 4 + j]) << std::hex << rep[at + 4 + j];
		at += 4 + c.after.size();
	}
	ASSERT_EQ(at + 1, rep.size());
	EXPECT_EQ(n, rep[at]); // one handler entry per fault: each retry worked
	struct gh_sim_vcpu_stats st;
	ASSERT_EQ(0, gh_sim_vcpu_stats(vm.sim_, vm.capid_[0], &st));
	EXPECT_EQ(n + 1, st.sync_exceptions); // and the SVC back to EL1
}

// The decode cache is a hint: the guest rewrites an MMIO store whose decode
// is cached (STR -> STRH at the same address, same block start); the exits
// after the rewrite must have the new size.
TEST(Sim, DecodeCacheSeesSelfModifyingCode)
{
	Vm vm("smc", {});

	ASSERT_EQ(0, vm.Start());
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, vm.RunToExit(0));
	EXPECT_FALSE(vm.crashed_) << vm.Reason();
	const Access want[] = {
		{ 0, 4, true, 0x11223344 },
		{ 0, 4, true, 0x11223344 },
		{ 0, 2, true, 0x3344 },
		{ 0, 2, true, 0x3344 },
	};
	std::vector<Access> got = vm.Log();
	ASSERT_EQ(4u, got.size());
	for (unsigned int i = 0; i < got.size(); i++) {
		SCOPED_TRACE(i);
		EXPECT_EQ(kEchoBase + want[i].addr, got[i].addr);
		EXPECT_EQ(want[i].size, got[i].size);
		EXPECT_EQ(want[i].value, got[i].value);
	}
	EXPECT_EQ(std::vector<uint64_t>{ 0x600d }, vm.Reports());
	struct gh_sim_vcpu_stats st;
	ASSERT_EQ(0, gh_sim_vcpu_stats(vm.sim_, vm.capid_[0], &st));
	// pass 1 (block from _start: not cacheable), pass 3 (stale entry) and
	// the first report half scan; pass 2 fills, pass 4 hits.
	EXPECT_GE(st.decode_hits, 1u);
	EXPECT_GE(st.decode_scans, 3u);
}

// A function rewritten on a page the guest stored to before it was
// translated runs in its new form at the next call, with no exit between
// (the engine's own check of stores to code; third_party/unicorn's
// tlb-reset-dirty-by-index.patch changes how that check is re-armed).
TEST(Sim, CodeRewrittenOnAStoredToPageRunsNew)
{
	Vm vm("smc_dirty", {});

	ASSERT_EQ(0, vm.Start());
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, vm.RunToExit(0));
	EXPECT_FALSE(vm.crashed_) << vm.Reason();
	EXPECT_EQ((std::vector<uint64_t>{ 1, 2 }), vm.Reports());
}

// The cache's hit path: a loop of stores from one instruction.
TEST(Sim, DecodeCacheHitsInALoop)
{
	Vm::Options o;
	o.boot_x[1] = 1000;
	Vm vm("mmio_loop", o);

	ASSERT_EQ(0, vm.Start());
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, vm.RunToExit(0));
	EXPECT_FALSE(vm.crashed_) << vm.Reason();
	EXPECT_EQ(1000u + 1, vm.Log().size() + vm.Reports().size());
	struct gh_sim_vcpu_stats st;
	ASSERT_EQ(0, gh_sim_vcpu_stats(vm.sim_, vm.capid_[0], &st));
	EXPECT_GE(st.decode_hits, 998u);
	EXPECT_LE(st.decode_scans, 3u);
}

TEST(Sim, WfiAndTimerInterruptWakeUp)
{
	Vm vm("timer", {});
	struct gh_sim_vcpu_stats st;

	ASSERT_EQ(0, vm.Start());
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, vm.RunToExit(0));
	EXPECT_EQ((std::vector<uint64_t>{ 3, GH_SIM_CNTFRQ }), vm.Reports());
	ASSERT_EQ(0, gh_sim_vcpu_stats(vm.sim_, vm.capid_[0], &st));
	EXPECT_GE(st.wfi_exits, 1u);
	EXPECT_GE(st.irqs_injected, 3u);
}

class SmpTest : public ::testing::TestWithParam<int> {};

TEST_P(SmpTest, CpuOnBarrierCpuOff)
{
	const int n = GetParam();
	Vm::Options o;
	o.nvcpus = n;
	o.boot_x[1] = (uint64_t)n;
	Vm vm("smp", o);

	ASSERT_EQ(0, vm.Start());
	std::vector<uint64_t> last = vm.RunAllToExit();
	for (int i = 0; i < n; i++)
		EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, last[i]) << i;
	const uint64_t inval = (uint64_t)-2, already_on = (uint64_t)-4;
	EXPECT_EQ((std::vector<uint64_t>{ inval, already_on, inval, 1000ULL * n, (uint64_t)n }),
	          vm.Reports());
	EXPECT_EQ(GH_VM_EXIT_TYPE_PSCI_POWER_OFF, vm.exit_type_);
}

INSTANTIATE_TEST_SUITE_P(Sim, SmpTest, ::testing::Values(1, 2, 8));

// Code one vCPU rewrites and makes visible (DC CVAU, IC IVAU, DSB ISH) runs
// in its new form on another that ran it before (whose engine translated
// it). With the MMU off, and on with the code reached through a second
// mapping of RAM (the IC's address is not the PA). See
// sim/tests/guests/icache.S and sim/src/maintenance.c.
TEST(Sim, CrossModifiedCodeReachesTheOtherVcpu)
{
	for (uint64_t mmu : { 0, 1 }) {
		SCOPED_TRACE(mmu ? "MMU on" : "MMU off");
		Vm::Options o;
		o.nvcpus = 2;
		o.boot_x[0] = mmu;
		Vm vm("icache", o);
		ASSERT_EQ(0, vm.Start());
		std::vector<uint64_t> last = vm.RunAllToExit();
		EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, last[0]);
		EXPECT_FALSE(vm.crashed_) << vm.Reason();
		EXPECT_EQ((std::vector<uint64_t>{ 1, 2 }), vm.Reports())
			<< "the second: vCPU 1's call after the change";
		struct gh_sim_vcpu_stats st1;
		ASSERT_EQ(0, gh_sim_vcpu_stats(vm.sim_, vm.capid_[1], &st1));
		EXPECT_GE(st1.ic_syncs, 1u);
	}
}

// Each vCPU has an engine of its own, whose TLBI ...IS flushes only its own
// TLB: a remap invalidated by one vCPU must reach the other, which read the
// page before (and whose engine cached the translation). See
// sim/tests/guests/tlbi.S and sim/src/maintenance.c.
TEST(Sim, BroadcastTlbInvalidationReachesTheOtherVcpu)
{
	Vm::Options o;
	o.nvcpus = 2;
	Vm vm("tlbi", o);
	ASSERT_EQ(0, vm.Start());
	std::vector<uint64_t> last = vm.RunAllToExit();
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, last[0]);
	EXPECT_FALSE(vm.crashed_) << vm.Reason();
	EXPECT_EQ((std::vector<uint64_t>{ 0xaaaa, 0xbbbb, 0xaaaa, 0xbbbb }), vm.Reports())
		<< "the last: vCPU 1's read after the remap";
	struct gh_sim_vcpu_stats st0, st1;
	ASSERT_EQ(0, gh_sim_vcpu_stats(vm.sim_, vm.capid_[0], &st0));
	ASSERT_EQ(0, gh_sim_vcpu_stats(vm.sim_, vm.capid_[1], &st1));
	EXPECT_EQ(1u, st0.tlb_broadcasts);
	EXPECT_EQ(0u, st1.tlb_broadcasts);
	EXPECT_EQ(1u, st1.tlb_flushes);
	EXPECT_EQ(0u, st0.tlb_flushes);
}

// Two vCPUs that exit to the host at every store, each on its own thread:
// while one waits for the execution lock the other keeps it across its MMIO
// exits (a slice, not each exit, is one handoff), and both still finish.
TEST(Sim, MmioExitsKeepTheLockWhileAnotherVcpuWaits)
{
	Vm::Options o;
	o.nvcpus = 2;
	o.boot_x[1] = 200000; // vCPU 0's stores before SYSTEM_OFF
	o.boot_x[2] = 2;
	Vm vm("mmio_count", o);
	struct gh_sim_vcpu_stats st[2];

	ASSERT_EQ(0, vm.Start());
	std::vector<uint64_t> last = vm.RunAllToExit();
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, last[0]);
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, last[1]);
	EXPECT_EQ((std::vector<uint64_t>{ 200000 }), vm.Reports());
	for (int i = 0; i < 2; i++)
		ASSERT_EQ(0, gh_sim_vcpu_stats(vm.sim_, vm.capid_[i], &st[i]));
	EXPECT_GT(st[0].lock_kept + st[1].lock_kept, 0u);
	EXPECT_LE(st[0].lock_kept, st[0].mmio_exits);
}

// A vCPU spinning in a WFE loop for another that waits for the execution
// lock yields to it at once (spin_yields), not after GH_SIM_CONTENDED_TBS
// blocks: vCPU 1 waits for vCPU 0's flag, vCPU 0 for vCPU 1's answer.
TEST(Sim, SpinWaitsWithHintsYieldToTheWaitingVcpu)
{
	Vm::Options o;
	o.nvcpus = 2;
	o.boot_x[1] = 20000000; // vCPU 0's count before it sets the flag
	Vm vm("spin_wfe", o);
	struct gh_sim_vcpu_stats st[2];

	ASSERT_EQ(0, vm.Start());
	std::vector<uint64_t> last = vm.RunAllToExit();
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, last[0]);
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, last[1]);
	EXPECT_EQ((std::vector<uint64_t>{ 2 }), vm.Reports());
	for (int i = 0; i < 2; i++)
		ASSERT_EQ(0, gh_sim_vcpu_stats(vm.sim_, vm.capid_[i], &st[i]));
	// Without the block hook no spin is seen: the waiter asks for the lock
	// after GH_SIM_CONTENDED_US instead.
	if (!NoBlockHook())
		EXPECT_GT(st[1].spin_yields, 0u);
	EXPECT_LE(st[0].spin_yields + st[1].spin_yields, st[0].ready_exits + st[1].ready_exits);
}

// A vCPU that keeps the lock and whose host never comes back: the waiting
// vCPU takes the lock back (within GH_SIM_LEASE_OUT_NS) and runs the VM to
// its end; the abandoned vCPU is unwound when the VM goes.
TEST(Sim, ALeaseWhoseHostStaysAwayIsTakenBack)
{
	Vm::Options o;
	o.nvcpus = 2;
	o.boot_x[1] = 1000000;
	o.boot_x[2] = 2;
	Vm vm("mmio_count", o);
	struct gh_hypercall_vcpu_run_resp r = {};
	struct gh_sim_vcpu_stats st = {};
	std::atomic<bool> done{ false };
	uint64_t last0 = 0;

	ASSERT_EQ(0, vm.Start());
	std::thread t([&] {
		last0 = vm.RunToExit(0);
		done = true;
	});
	// vCPU 1: answer its stores until it leaves with the lock kept once.
	auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
	bool kept = false;
	enum gh_error err = GH_ERROR_OK;
	while (!kept && !done && std::chrono::steady_clock::now() < end) {
		err = vm.Run(1, &r);
		if (err != GH_ERROR_OK)
			break;
		if (r.state == GH_VCPU_STATE_EXPECTS_WAKEUP ||
		    r.state == GH_VCPU_STATE_POWERED_OFF) {
			std::this_thread::sleep_for(std::chrono::milliseconds(1));
			continue;
		}
		EXPECT_EQ(0, gh_sim_vcpu_stats(vm.sim_, vm.capid_[1], &st));
		kept = st.lock_kept > 0;
	}
	t.join(); // vCPU 1's host is away for good
	EXPECT_EQ(GH_ERROR_OK, err);
	ASSERT_TRUE(kept) << "vCPU 1 never left with the lock kept before vCPU 0 finished";
	EXPECT_EQ(GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE, r.state);
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, last0);
	EXPECT_EQ((std::vector<uint64_t>{ 1000000 }), vm.Reports());
	ASSERT_EQ(0, gh_sim_vcpu_stats(vm.sim_, vm.capid_[1], &st));
	EXPECT_EQ(1u, st.lock_taken_back);
}

TEST(Sim, SpinningGuestStopsForImmediateExit)
{
	Vm vm("spin", {});
	bool immediate_exit = false;
	uint64_t last = 0;

	ASSERT_EQ(0, vm.Start());
	std::thread t([&] { last = vm.RunToExit(0, std::chrono::seconds(20), &immediate_exit); });
	std::this_thread::sleep_for(std::chrono::milliseconds(30));
	auto t0 = std::chrono::steady_clock::now();
	__atomic_store_n(&immediate_exit, true, __ATOMIC_RELEASE);
	t.join();
	auto took = std::chrono::steady_clock::now() - t0;
	EXPECT_EQ(~0ULL, last);
	EXPECT_GE(vm.ready_[0], 1u);
	// Promptly, not at the 20 s limit (latency itself is a benchmark's business).
	EXPECT_LT(took, std::chrono::seconds(2));
}

TEST(Sim, KickEndsTheSliceAtOnce)
{
	Vm vm("spin", {});
	struct gh_hypercall_vcpu_run_resp r = {};

	ASSERT_EQ(0, vm.Start());
	std::thread t([&] {
		std::this_thread::sleep_for(std::chrono::milliseconds(1));
		for (int i = 0; i < 50; i++)
			gh_sim_vcpu_kick(vm.sim_, vm.capid_[0]);
	});
	for (int i = 0; i < 3; i++) {
		ASSERT_EQ(GH_ERROR_OK, vm.Run(0, &r));
		EXPECT_EQ(GH_VCPU_STATE_READY, r.state);
	}
	t.join();
}

struct PsciCase {
	uint64_t sel;
	uint16_t exit_type;
};

TEST(Sim, PsciQueriesAndSystemOffReset)
{
	const PsciCase cases[] = {
		{ 0, GH_VM_EXIT_TYPE_PSCI_POWER_OFF },
		{ 1, GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET },
		{ 2, GH_VM_EXIT_TYPE_PSCI_POWER_OFF },
	};
	for (const PsciCase &c : cases) {
		SCOPED_TRACE(c.sel);
		Vm::Options o;
		o.boot_x[0] = c.sel;
		Vm vm("psci", o);

		ASSERT_EQ(0, vm.Start());
		EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, vm.RunToExit(0));
		struct gh_hypercall_hyp_identify_resp host_id;

		gh_hypercall_hyp_identify(&host_id); // the guest gets the same answer
		EXPECT_EQ((std::vector<uint64_t>{ 0x10001, 0x10001, 0, 0xffffffffULL, 2, ~0ULL,
		                                  GH_UID0, GH_UID1, host_id.api_info,
		                                  host_id.flags[0], ~0ULL, 0x80000000ULL }),
		          vm.Reports());
		EXPECT_EQ(1, vm.exits_);
		EXPECT_EQ(c.exit_type, vm.exit_type_);
		EXPECT_FALSE(vm.crashed_);
		EXPECT_TRUE(gh_sim_vm_exited(vm.vm_));
	}
}

TEST(Sim, ReadOnlyRegionWritesBecomeMmioWrites)
{
	Vm::Options o;
	o.rom = true;
	Vm vm("rom", o);

	ASSERT_EQ(0, vm.Start());
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, vm.RunToExit(0));
	EXPECT_EQ((std::vector<uint64_t>{ 0x1234, 0x1234, 0x1111222233334444ULL }), vm.Reports());
	std::vector<Access> log = vm.Log();
	ASSERT_EQ(2u, log.size());
	EXPECT_EQ(0x100u, log[0].addr);
	EXPECT_EQ(4u, log[0].size);
	EXPECT_TRUE(log[0].is_write);
	EXPECT_EQ(0x55u, log[0].value);
	EXPECT_EQ(0x108u, log[1].addr);
	EXPECT_EQ(8u, log[1].size);
	EXPECT_EQ(0x66u, log[1].value);
}

// Stage-2 faults on guest RAM (sim/tests/guests/pagefault.S): the region at
// 0 has no access rights. Each read or fetch in it is a PAGE_FAULT with the
// IPA; RETRY and EMULATE re-execute the instruction (which faults again, with
// the original registers), FAULT gives the guest a synchronous external
// abort on its vectors, after which it carries on.
TEST(Sim, PageFaultsAreRetriedOrAborted)
{
	Vm::Options o;
	o.rom = true;
	o.rom_flags = 0;
	Vm vm("pagefault", o);
	std::map<uint64_t, int> seen;

	vm.page_fault_action = [&](uint64_t addr) -> uint64_t {
		switch (seen[addr]++) {
		case 0:
			return GH_VMMIO_ACTION_RETRY;
		case 1:
			return GH_VMMIO_ACTION_EMULATE;
		default:
			return GH_VMMIO_ACTION_FAULT;
		}
	};
	ASSERT_EQ(0, vm.Start());
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, vm.RunToExit(0));
	EXPECT_FALSE(vm.crashed_) << vm.Reason();
	EXPECT_EQ(GH_VM_EXIT_TYPE_PSCI_POWER_OFF, vm.exit_type_);

	const uint64_t g = 0x100;
	const uint64_t want_pf[] = { g, g + 8, g + 0x100, g + 0x10 };
	ASSERT_EQ(12u, vm.page_faults_.size());
	for (size_t i = 0; i < 12; i++) {
		SCOPED_TRACE(i);
		EXPECT_EQ(want_pf[i / 3], vm.page_faults_[i].addr) << "the base was put back";
		EXPECT_FALSE(vm.page_faults_[i].is_write);
	}

	struct Case {
		const char *what;
		uint64_t esr, far;
		std::vector<uint64_t> after; // the registers reported after it
	};
	const Case cases[] = {
		{ "ldr x2",
		  DataAbortEsr(false, 8, false, 2, true, false, false),
		  g,
		  { 0x5a5a0002 } },
		{ "ldr x4, [x4, #8]",
		  DataAbortEsr(false, 8, false, 4, true, false, false),
		  g + 8,
		  { g } },
		{ "blr into the region",
		  0x21ULL << 26 | 1ULL << 25 | 0x10,
		  g + 0x100,
		  { g + 0x100 } },
		{ "ldp x5, x6: no syndrome",
		  0x25ULL << 26 | 1ULL << 25 | 0x10,
		  g + 0x10,
		  { 0x5a5a0005, 0x5a5a0006 } },
	};
	std::vector<uint64_t> rep = vm.Reports();
	size_t k = 0;
	for (const Case &c : cases) {
		SCOPED_TRACE(c.what);
		ASSERT_LE(k + 4 + c.after.size(), rep.size());
		uint64_t pc = rep[k];
		EXPECT_EQ(c.esr, rep[k + 1]) << std::hex << rep[k + 1];
		EXPECT_EQ(c.far, rep[k + 2]) << std::hex << rep[k + 2];
		// ELR: the instruction, or the fetch address for the BLR
		EXPECT_EQ(c.esr >> 26 == 0x21 ? c.far : pc, rep[k + 3]) << std::hex << rep[k + 3];
		for (size_t j = 0; j < c.after.size(); j++)
			EXPECT_EQ(c.after[j], rep[k + 4 + j]) << std::hex << rep[k + 4 + j];
		k += 4 + c.after.size();
	}
	ASSERT_EQ(k + 1, rep.size());
	EXPECT_EQ(4u, rep[k]) << "one handler entry per FAULT";
	EXPECT_TRUE(vm.Log().empty()) << "no VMMIO exit";
	struct gh_sim_vcpu_stats st;
	ASSERT_EQ(0, gh_sim_vcpu_stats(vm.sim_, vm.capid_[0], &st));
	EXPECT_EQ(12u, st.page_faults);
	EXPECT_EQ(4u, st.sync_exceptions);
}

// Bad resume data after a PAGE_FAULT is an error and the fault stays
// pending. The rom guest has no vectors: VBAR_EL1 is 0, inside the guarded
// region, so FAULT's abort fetches its vector there: a fetch PAGE_FAULT. The
// VM is destroyed with it pending.
TEST(Sim, PageFaultResumeIsChecked)
{
	Vm::Options o;
	o.rom = true;
	o.rom_flags = 0;
	Vm vm("rom", o);
	struct gh_hypercall_vcpu_run_resp r = {};

	ASSERT_EQ(0, vm.Start());
	ASSERT_EQ(GH_ERROR_OK, vm.RunSkipReady(0, &r));
	ASSERT_EQ((uint64_t)GH_VCPU_STATE_ADDRSPACE_PAGE_FAULT, r.state);
	EXPECT_EQ(0x100u, r.state_data[0]);
	EXPECT_EQ(0u, r.state_data[1]);
	uint64_t bad[][3] = { { 0, 3, 0 },
		              { 0, ~0ULL, 0 },
		              { 1, GH_VMMIO_ACTION_RETRY, 0 },
		              { 0, GH_VMMIO_ACTION_FAULT, 1 } };
	for (auto &b : bad) {
		SCOPED_TRACE(b[1]);
		EXPECT_EQ(GH_ERROR_ARG_INVAL, gh_hypercall_vcpu_run(vm.capid_[0], b, &r));
	}
	// still pending: a retry reports the same fault again
	ASSERT_EQ(GH_ERROR_OK, vm.RunSkipReady(0, &r, 0, GH_VMMIO_ACTION_RETRY));
	ASSERT_EQ((uint64_t)GH_VCPU_STATE_ADDRSPACE_PAGE_FAULT, r.state);
	EXPECT_EQ(0x100u, r.state_data[0]);
	ASSERT_EQ(GH_ERROR_OK, vm.RunSkipReady(0, &r, 0, GH_VMMIO_ACTION_FAULT));
	ASSERT_EQ((uint64_t)GH_VCPU_STATE_ADDRSPACE_PAGE_FAULT, r.state);
	EXPECT_EQ(0x200u, r.state_data[0]) << "the vector fetch";
	EXPECT_FALSE(gh_sim_vm_exited(vm.vm_));
	struct gh_sim_vcpu_stats st;
	ASSERT_EQ(0, gh_sim_vcpu_stats(vm.sim_, vm.capid_[0], &st));
	EXPECT_EQ(3u, st.page_faults);
	EXPECT_EQ(1u, st.sync_exceptions);
}

TEST(Sim, DoorbellAndDeviceSpisWakeTheGuest)
{
	Vm vm("spi", {});
	struct gh_hypercall_vcpu_run_resp r = {};
	uint64_t bell, old = 7, value = 0;
	int sleeps = 0;
	bool done = false;

	ASSERT_EQ(0, gh_sim_vm_add_doorbell(vm.vm_, 0, 40, false, &bell));
	ASSERT_EQ(0, vm.Start());
	while (!done) {
		ASSERT_EQ(GH_ERROR_OK, vm.Run(0, &r, value));
		value = 0;
		switch (r.state) {
		case GH_VCPU_STATE_READY:
			break;
		case GH_VCPU_STATE_EXPECTS_WAKEUP:
			// asleep in WFI: first the doorbell, then the device's line
			if (sleeps++ == 0) {
				ASSERT_EQ(GH_ERROR_OK, gh_hypercall_bell_send(bell, 1, &old));
				EXPECT_EQ(0u, old);
			} else {
				ASSERT_EQ(0, gh_sim_vm_set_spi(vm.vm_, 41, true));
			}
			vm.WaitWake(0, std::chrono::steady_clock::now() + std::chrono::seconds(5));
			break;
		case GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE:
			if (r.state_data[0] == kEchoBase + 0x800)
				ASSERT_EQ(0, gh_sim_vm_set_spi(vm.vm_, 41, false));
			else
				vm.Mmio(r);
			break;
		case GH_VCPU_STATE_POWERED_OFF:
			done = true;
			break;
		default:
			FAIL() << "state " << r.state;
		}
	}
	EXPECT_EQ((std::vector<uint64_t>{ 1, 40, 41 }), vm.Reports());
	EXPECT_GE(sleeps, 2);
	EXPECT_EQ(0, vm.wakes_[0]); // every wake-up was consumed
	EXPECT_EQ(-EINVAL, gh_sim_vm_set_spi(vm.vm_, 5, true));
	EXPECT_EQ(GH_ERROR_CSPACE_CAP_NULL, gh_hypercall_bell_send(vm.capid_[0], 1, &old));
}

TEST(Sim, HypercallErrors)
{
	Vm vm("mmio_forms", {});
	struct gh_hypercall_vcpu_run_resp r = {};
	struct gh_hypercall_regs in = {}, out = {};

	// before start: powered off
	ASSERT_EQ(GH_ERROR_OK, vm.RunSkipReady(0, &r));
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, r.state);
	EXPECT_EQ(0u, r.state_data[0]);
	EXPECT_EQ(GH_ERROR_CSPACE_CAP_NULL, gh_hypercall_vcpu_run(12345, nullptr, &r));
	in.x[0] = GH_HYPERCALL_VCPU_RUN;
	in.x[1] = vm.capid_[0];
	in.x[5] = 1;
	gh_hypercall_raw(&in, &out);
	EXPECT_EQ((uint64_t)GH_ERROR_ARG_INVAL, out.x[0]);
	in.x[0] = 0xc6008077; // not a call the simulator knows
	gh_hypercall_raw(&in, &out);
	EXPECT_EQ((uint64_t)(int64_t)GH_ERROR_UNIMPLEMENTED, out.x[0]);

	ASSERT_EQ(0, vm.Start());
	EXPECT_EQ(-EBUSY, vm.Start());
	ASSERT_EQ(GH_ERROR_OK, vm.RunSkipReady(0, &r));
	ASSERT_EQ(GH_VCPU_STATE_ADDRSPACE_VMMIO_READ, r.state);
	EXPECT_EQ(GH_ERROR_ARG_INVAL, vm.RunSkipReady(0, &r, 0, 7)); // unknown action
	// RETRY re-issues the same access
	ASSERT_EQ(GH_ERROR_OK, vm.RunSkipReady(0, &r, 0, GH_VMMIO_ACTION_RETRY));
	EXPECT_EQ(GH_VCPU_STATE_ADDRSPACE_VMMIO_READ, r.state);
	EXPECT_EQ(kEchoBase + 1, r.state_data[0]);
	ASSERT_EQ(GH_ERROR_OK, gh_hypercall_vcpu_run_check(vm.capid_[0], &r));
	EXPECT_EQ(GH_VCPU_STATE_READY, r.state);
	EXPECT_EQ(0, gh_sim_vm_stop(vm.vm_));
	ASSERT_EQ(GH_ERROR_OK, vm.RunSkipReady(0, &r));
	EXPECT_EQ(GH_VCPU_STATE_POWERED_OFF, r.state);
	EXPECT_EQ(GH_VCPU_POWEROFF_EXITED, r.state_data[0]);
	EXPECT_EQ(0, vm.exits_); // the host stopped it: no callback
}

} // namespace
} // namespace simtest
