// SPDX-License-Identifier: BSD-3-Clause
// A vCPU's exit as a value and the verdict on it, table-driven: fake run
// pages and RUN results in, actions, exit codes and reports out.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

extern "C" {
#include "exit_verdict.h"
}

namespace {

gh_vcpu_run Page()
{
	gh_vcpu_run run;
	memset(&run, 0, sizeof(run));
	return run;
}

gh_vcpu_run Mmio(uint64_t addr, uint32_t len, bool write, std::vector<uint8_t> data = {})
{
	gh_vcpu_run run = Page();
	run.exit_reason = GH_VM_EXIT_MMIO;
	run.mmio.phys_addr = addr;
	run.mmio.len = len;
	run.mmio.is_write = write;
	for (size_t i = 0; i < data.size() && i < sizeof(run.mmio.data); i++)
		run.mmio.data[i] = data[i];
	return run;
}

gh_vcpu_run Status(uint32_t status, uint16_t type)
{
	gh_vcpu_run run = Page();
	run.exit_reason = GH_VM_EXIT_STATUS;
	run.status.status = status;
	run.status.exit_info.type = type;
	return run;
}

gh_vcpu_run Reason(uint32_t reason)
{
	gh_vcpu_run run = Page();
	run.exit_reason = reason;
	return run;
}

TEST(ExitDecode, ReducesTheRunPageToAValue)
{
	ghvmm_vcpu_exit e;

	gh_vcpu_run pf = Reason(GHVMM_V17_EXIT_PAGE_FAULT);
	pf.mmio.phys_addr = 0x40123000; // page_fault.phys_addr, the same offset
	ghvmm_exit_decode(0, &pf, &e);
	EXPECT_EQ(GHVMM_EXIT_KIND_PAGE_FAULT, e.kind);
	EXPECT_EQ(0x40123000u, e.fault_addr);

	gh_vcpu_run w =
		Mmio(0x09000000, 4, true, { 0x78, 0x56, 0x34, 0x12, 0xff, 0xff, 0xff, 0xff });
	ghvmm_exit_decode(0, &w, &e);
	EXPECT_EQ(GHVMM_EXIT_KIND_MMIO, e.kind);
	EXPECT_EQ(0x09000000u, e.mmio.addr);
	EXPECT_EQ(4u, e.mmio.len);
	EXPECT_TRUE(e.mmio.is_write);
	EXPECT_EQ(0x12345678u, e.mmio.value) << "only @len bytes, little-endian";

	gh_vcpu_run w8 = Mmio(0x0a000000, 8, true, { 1, 2, 3, 4, 5, 6, 7, 8 });
	ghvmm_exit_decode(0, &w8, &e);
	EXPECT_EQ(0x0807060504030201ULL, e.mmio.value);

	gh_vcpu_run r = Mmio(0x09010000, 2, false, { 0xaa, 0xbb });
	ghvmm_exit_decode(0, &r, &e);
	EXPECT_FALSE(e.mmio.is_write);
	EXPECT_EQ(0u, e.mmio.value) << "a read carries no data";

	for (uint32_t bad : { 0u, 9u, 0xffffffffu }) {
		SCOPED_TRACE(bad);
		gh_vcpu_run b = Mmio(0x09000000, bad, true, { 1, 2, 3, 4, 5, 6, 7, 8 });
		ghvmm_exit_decode(0, &b, &e);
		EXPECT_EQ(bad, e.mmio.len);
		EXPECT_EQ(0u, e.mmio.value) << "no data read past the page's 8 bytes";
	}

	gh_vcpu_run s = Status(GH_VM_STATUS_CRASHED, GH_VM_EXIT_TYPE_HYP_ERROR);
	ghvmm_exit_decode(0, &s, &e);
	EXPECT_EQ(GHVMM_EXIT_KIND_STATUS, e.kind);
	EXPECT_EQ((uint32_t)GH_VM_STATUS_CRASHED, e.status.status);
	EXPECT_EQ(GH_VM_EXIT_TYPE_HYP_ERROR, e.status.type);

	gh_vcpu_run u = Reason(77);
	ghvmm_exit_decode(0, &u, &e);
	EXPECT_EQ(GHVMM_EXIT_KIND_UNKNOWN, e.kind);
	EXPECT_EQ(77u, e.reason) << "the raw code is kept";

	// A failed RUN: the page is not looked at (it may be stale).
	gh_vcpu_run stale = Mmio(0x09000000, 4, true);
	ghvmm_exit_decode(-EINTR, &stale, &e);
	EXPECT_EQ(GHVMM_EXIT_KIND_INTERRUPTED, e.kind);
	ghvmm_exit_decode(-EBADF, &stale, &e);
	EXPECT_EQ(GHVMM_EXIT_KIND_RUN_FAILED, e.kind);
	EXPECT_EQ(-EBADF, e.error);
	ghvmm_exit_decode(-EBADF, nullptr, &e);
	EXPECT_EQ(GHVMM_EXIT_KIND_RUN_FAILED, e.kind);
}

TEST(ExitVerdict, Table)
{
	struct Case {
		const char *name;
		int ret;
		gh_vcpu_run run;
		bool stopping;
		ghvmm_action action;
		ghvmm_exit code; // for STOP
		ghvmm_report report;
	};
	const std::vector<Case> cases = {
		{ "kick", -EINTR, Page(), false, GHVMM_ACTION_RUN, GHVMM_EXIT_POWEROFF,
		  GHVMM_REPORT_NONE },
		{ "kick while stopping", -EINTR, Page(), true, GHVMM_ACTION_RUN,
		  GHVMM_EXIT_POWEROFF, GHVMM_REPORT_NONE },
		{ "RUN fails", -EFAULT, Page(), false, GHVMM_ACTION_STOP, GHVMM_EXIT_INTERNAL,
		  GHVMM_REPORT_RUN_FAILED },
		{ "MMIO read of 1", 0, Mmio(0x09000018, 1, false), false, GHVMM_ACTION_MMIO,
		  GHVMM_EXIT_POWEROFF, GHVMM_REPORT_NONE },
		{ "MMIO write of 8", 0, Mmio(0x0a000050, 8, true), false, GHVMM_ACTION_MMIO,
		  GHVMM_EXIT_POWEROFF, GHVMM_REPORT_NONE },
		{ "MMIO with no device is still served (reads 0)", 0, Mmio(0x12345000, 4, false),
		  false, GHVMM_ACTION_MMIO, GHVMM_EXIT_POWEROFF, GHVMM_REPORT_NONE },
		{ "MMIO of 0 bytes", 0, Mmio(0x09000000, 0, false), false, GHVMM_ACTION_MMIO_FAULT,
		  GHVMM_EXIT_POWEROFF, GHVMM_REPORT_NONE },
		{ "MMIO of 9 bytes", 0, Mmio(0x09000000, 9, true), false, GHVMM_ACTION_MMIO_FAULT,
		  GHVMM_EXIT_POWEROFF, GHVMM_REPORT_NONE },
		{ "MMIO of 2^32-1 bytes", 0, Mmio(0x09000000, 0xffffffffu, true), false,
		  GHVMM_ACTION_MMIO_FAULT, GHVMM_EXIT_POWEROFF, GHVMM_REPORT_NONE },
		{ "PSCI SYSTEM_OFF", 0, Status(GH_VM_STATUS_EXITED, GH_VM_EXIT_TYPE_PSCI_POWER_OFF),
		  false, GHVMM_ACTION_STOP, GHVMM_EXIT_POWEROFF, GHVMM_REPORT_NONE },
		{ "VM exit", 0, Status(GH_VM_STATUS_EXITED, GH_VM_EXIT_TYPE_VM_EXIT), false,
		  GHVMM_ACTION_STOP, GHVMM_EXIT_POWEROFF, GHVMM_REPORT_NONE },
		{ "PSCI SYSTEM_RESET", 0,
		  Status(GH_VM_STATUS_EXITED, GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET), false,
		  GHVMM_ACTION_STOP, GHVMM_EXIT_RESET, GHVMM_REPORT_RESET },
		{ "PSCI SYSTEM_RESET2", 0,
		  Status(GH_VM_STATUS_EXITED, GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET2), false,
		  GHVMM_ACTION_STOP, GHVMM_EXIT_RESET, GHVMM_REPORT_RESET },
		{ "force-stopped after Ctrl-A x", 0,
		  Status(GH_VM_STATUS_EXITED, GH_VM_EXIT_TYPE_VM_FORCE_STOPPED), true,
		  GHVMM_ACTION_STOP, GHVMM_EXIT_QUIT, GHVMM_REPORT_NONE },
		{ "force-stopped by someone else", 0,
		  Status(GH_VM_STATUS_EXITED, GH_VM_EXIT_TYPE_VM_FORCE_STOPPED), false,
		  GHVMM_ACTION_STOP, GHVMM_EXIT_CRASH, GHVMM_REPORT_STOPPED },
		{ "watchdog bite", 0, Status(GH_VM_STATUS_EXITED, GH_VM_EXIT_TYPE_WDT_BITE), false,
		  GHVMM_ACTION_STOP, GHVMM_EXIT_CRASH, GHVMM_REPORT_STOPPED },
		{ "exited with an unknown type", 0, Status(GH_VM_STATUS_EXITED, 0xffff), true,
		  GHVMM_ACTION_STOP, GHVMM_EXIT_CRASH, GHVMM_REPORT_STOPPED },
		{ "crashed", 0, Status(GH_VM_STATUS_CRASHED, GH_VM_EXIT_TYPE_HYP_ERROR), false,
		  GHVMM_ACTION_STOP, GHVMM_EXIT_CRASH, GHVMM_REPORT_CRASHED },
		{ "crashed while stopping, even as force-stopped", 0,
		  Status(GH_VM_STATUS_CRASHED, GH_VM_EXIT_TYPE_VM_FORCE_STOPPED), true,
		  GHVMM_ACTION_STOP, GHVMM_EXIT_CRASH, GHVMM_REPORT_CRASHED },
		{ "crashed with PSCI's type", 0,
		  Status(GH_VM_STATUS_CRASHED, GH_VM_EXIT_TYPE_PSCI_POWER_OFF), false,
		  GHVMM_ACTION_STOP, GHVMM_EXIT_CRASH, GHVMM_REPORT_CRASHED },
		{ "load failed", 0, Status(GH_VM_STATUS_LOAD_FAILED, 0), false, GHVMM_ACTION_STOP,
		  GHVMM_EXIT_LOAD, GHVMM_REPORT_LOAD_FAILED },
		{ "status 0", 0, Status(0, 0), false, GHVMM_ACTION_STOP, GHVMM_EXIT_INTERNAL,
		  GHVMM_REPORT_BAD_STATUS },
		{ "status 99", 0, Status(99, GH_VM_EXIT_TYPE_PSCI_POWER_OFF), false,
		  GHVMM_ACTION_STOP, GHVMM_EXIT_INTERNAL, GHVMM_REPORT_BAD_STATUS },
		{ "exit reason UNKNOWN", 0, Reason(GH_VM_EXIT_UNKNOWN), false, GHVMM_ACTION_STOP,
		  GHVMM_EXIT_INTERNAL, GHVMM_REPORT_BAD_EXIT },
		{ "v17's PAGE_FAULT: the guest takes the abort", 0, Reason(3), false,
		  GHVMM_ACTION_RUN, GHVMM_EXIT_POWEROFF, GHVMM_REPORT_NONE },
		{ "exit reason 4", 0, Reason(4), false, GHVMM_ACTION_STOP, GHVMM_EXIT_INTERNAL,
		  GHVMM_REPORT_BAD_EXIT },
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.name);
		ghvmm_vcpu_exit e;

		ghvmm_exit_decode(c.ret, &c.run, &e);
		const ghvmm_verdict v = ghvmm_exit_verdict(&e, c.stopping);
		EXPECT_EQ(c.action, v.action);
		if (c.action == GHVMM_ACTION_STOP)
			EXPECT_EQ(c.code, v.code);
		EXPECT_EQ(c.report, v.report);
	}
}

} // namespace

namespace {

// The answer written back: a read's value in its first len bytes and zeroes
// after; a write's data left alone; a fault says so; nothing else touched.
TEST(ExitVerdict, CompleteMmio)
{
	struct Case {
		const char *name;
		uint32_t len;
		bool is_write;
		ghvmm_action action;
		uint8_t want_data[8];
		uint8_t want_resume;
	};
	const Case cases[] = {
		{ "read 1", 1, false, GHVMM_ACTION_MMIO, { 0x11 }, GH_VM_RESUME_HANDLED },
		{ "read 4",
		  4,
		  false,
		  GHVMM_ACTION_MMIO,
		  { 0x11, 0x22, 0x33, 0x44 },
		  GH_VM_RESUME_HANDLED },
		{ "read 8",
		  8,
		  false,
		  GHVMM_ACTION_MMIO,
		  { 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88 },
		  GH_VM_RESUME_HANDLED },
		{ "write 2",
		  2,
		  true,
		  GHVMM_ACTION_MMIO,
		  { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa },
		  GH_VM_RESUME_HANDLED },
		{ "fault, len 9",
		  9,
		  false,
		  GHVMM_ACTION_MMIO_FAULT,
		  { 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa },
		  GH_VM_RESUME_FAULT },
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.name);
		gh_vcpu_run run;
		memset(&run, 0xaa, sizeof(run));
		run.exit_reason = GH_VM_EXIT_MMIO;
		run.mmio.len = c.len;
		run.mmio.is_write = c.is_write;
		gh_vcpu_run before = run;
		ghvmm_vcpu_exit e;

		ghvmm_exit_decode(0, &run, &e);
		ghvmm_exit_complete_mmio(&run, &e, c.action, 0x8877665544332211ull);
		EXPECT_EQ(0, memcmp(c.want_data, run.mmio.data, 8));
		EXPECT_EQ(c.want_resume, run.mmio.resume_action);
		memcpy(before.mmio.data, run.mmio.data, 8);
		before.mmio.resume_action = run.mmio.resume_action;
		EXPECT_EQ(0, memcmp(&before, &run, sizeof(run)));
	}
}

} // namespace
