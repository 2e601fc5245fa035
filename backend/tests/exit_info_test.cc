// SPDX-License-Identifier: BSD-3-Clause
// gh_backend_vm_exit_description() on a backend with no words of its own
// (as /dev/gunyah): the UAPI exit info described generically, table-driven.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include <backend_internal.h>
}

namespace {

struct Case {
	const char *name;
	uint16_t type;
	uint32_t reason_size;
	std::vector<uint8_t> reason;
	const char *want;
};

gh_vm_exit_info Info(const Case &c)
{
	gh_vm_exit_info info;

	memset(&info, 0, sizeof(info));
	info.type = c.type;
	info.reason_size = c.reason_size;
	for (size_t i = 0; i < c.reason.size() && i < sizeof(info.reason); i++)
		info.reason[i] = c.reason[i];
	return info;
}

// A backend whose ops have no vm_exit_description, like "dev".
class NoWords : public ::testing::Test {
protected:
	NoWords()
	{
		memset(&ops_, 0, sizeof(ops_));
		ops_.name = "fake";
		b_.ops = &ops_;
		vm_.b = &b_;
	}
	gh_backend_ops ops_;
	gh_backend b_;
	gh_backend_vm vm_;
};

TEST_F(NoWords, DescribesTheUapiExitInfo)
{
	const std::vector<Case> cases = {
		{ "power off", GH_VM_EXIT_TYPE_PSCI_POWER_OFF, 0, {}, "PSCI power off" },
		{ "vm exit", GH_VM_EXIT_TYPE_VM_EXIT, 0, {}, "VM exit" },
		{ "reset", GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET, 0, {}, "PSCI system reset" },
		{ "reset2", GH_VM_EXIT_TYPE_PSCI_SYSTEM_RESET2, 0, {}, "PSCI system reset2" },
		{ "watchdog", GH_VM_EXIT_TYPE_WDT_BITE, 0, {}, "watchdog bite" },
		{ "abort", GH_VM_EXIT_TYPE_ASYNC_EXT_ABORT, 0, {}, "asynchronous external abort" },
		{ "stopped", GH_VM_EXIT_TYPE_VM_FORCE_STOPPED, 0, {}, "force stopped" },
		{ "crash, 8 bytes",
		  GH_VM_EXIT_TYPE_HYP_ERROR,
		  8,
		  { 0x01, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x40 },
		  "hypervisor error, reason 01 00 00 00 04 00 00 40" },
		{ "one byte",
		  GH_VM_EXIT_TYPE_HYP_ERROR,
		  1,
		  { 0xff, 0xee },
		  "hypervisor error, reason ff" },
		{ "unknown type kept as a number",
		  99,
		  2,
		  { 0xab, 0xcd },
		  "exit type 99, reason ab cd" },
		{ "first unknown type", GH_VM_EXIT_TYPE_VM_FORCE_STOPPED + 1, 0, {}, "exit type 8" },
		{ "largest type", 0xffff, 0, {}, "exit type 65535" },
		{ "reason_size beyond the page's 8 bytes",
		  GH_VM_EXIT_TYPE_WDT_BITE,
		  1000,
		  { 0, 1, 2, 3, 4, 5, 6, 7 },
		  "watchdog bite, reason 00 01 02 03 04 05 06 07 (of 1000 bytes)" },
		{ "reason_size at its maximum",
		  GH_VM_EXIT_TYPE_HYP_ERROR,
		  0xffffffffu,
		  { 9, 9, 9, 9, 9, 9, 9, 9 },
		  "hypervisor error, reason 09 09 09 09 09 09 09 09 (of 4294967295 bytes)" },
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.name);
		gh_vm_exit_info info = Info(c);
		char buf[128];

		memset(buf, 'x', sizeof(buf));
		ASSERT_EQ(0, gh_backend_vm_exit_description(&vm_, &info, buf, sizeof(buf)));
		EXPECT_EQ(std::string(c.want), std::string(buf));
	}
}

TEST_F(NoWords, CutToFitAndTerminated)
{
	const Case crash = { "", GH_VM_EXIT_TYPE_HYP_ERROR, 8, { 1, 2, 3, 4, 5, 6, 7, 8 }, "" };
	const std::string full = "hypervisor error, reason 01 02 03 04 05 06 07 08";
	gh_vm_exit_info info = Info(crash);

	for (size_t len = 1; len <= full.size() + 2; len++) {
		SCOPED_TRACE(len);
		std::vector<char> buf(len + 1, 'x');

		ASSERT_EQ(0, gh_backend_vm_exit_description(&vm_, &info, buf.data(), len));
		EXPECT_EQ(full.substr(0, len - 1), std::string(buf.data()));
		EXPECT_EQ('x', buf[len]) << "wrote past @len";
	}
}

TEST_F(NoWords, BadArguments)
{
	gh_vm_exit_info info;
	char buf[16] = "untouched";

	memset(&info, 0, sizeof(info));
	EXPECT_EQ(-EBADF, gh_backend_vm_exit_description(nullptr, &info, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, gh_backend_vm_exit_description(&vm_, nullptr, buf, sizeof(buf)));
	EXPECT_EQ(-EINVAL, gh_backend_vm_exit_description(&vm_, &info, nullptr, sizeof(buf)));
	EXPECT_EQ(-EINVAL, gh_backend_vm_exit_description(&vm_, &info, buf, 0));
	EXPECT_STREQ("untouched", buf);
}

} // namespace
