// SPDX-License-Identifier: BSD-3-Clause
// v17's guest memory through the in-process UAPI: a guest-memory store
// (GUNYAH_CREATE_GUEST_MEM), its host view, GUNYAH_VM_MAP_MEM, and a guest
// that runs from it; lent memory comes back to the host at release.
#include <sys/mman.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gtest/gtest.h>

extern "C" {
#include <gunyah/backend.h>
}

namespace {

constexpr uint64_t kRamBase = 0x40000000;
constexpr uint64_t kRamSize = 2 << 20;
constexpr uint64_t kReportAddr = 0x0a000000;
constexpr uint32_t kRwx = 7U << 4;   // GUNYAH_MEM_ALLOW_RWX
constexpr uint32_t kShare = 2;       // GUNYAH_MEM_FORCE_SHARE
constexpr uint32_t kUnmap = 1U << 8; // GUNYAH_MEM_UNMAP

std::vector<uint8_t> LoadGuest(const std::string &name)
{
	std::ifstream f("sim/tests/guests/" + name + ".bin", std::ios::binary);
	return std::vector<uint8_t>(std::istreambuf_iterator<char>(f),
	                            std::istreambuf_iterator<char>());
}

// Runs vCPU @c to its STATUS exit, answering MMIO; the reports it wrote.
std::vector<uint64_t> RunToStatus(gh_backend_vcpu *c)
{
	gh_vcpu_run *run = gh_backend_vcpu_run_page(c);
	std::vector<uint64_t> reports;

	while (gh_backend_vcpu_run(c) == 0 && run->exit_reason == GH_VM_EXIT_MMIO) {
		uint64_t v = 0;

		if (run->mmio.is_write) {
			memcpy(&v, run->mmio.data, run->mmio.len);
			if (run->mmio.phys_addr == kReportAddr)
				reports.push_back(v);
		} else {
			memset(run->mmio.data, 0x5a, 8);
		}
		run->mmio.resume_action = GH_VM_RESUME_HANDLED;
	}
	EXPECT_EQ(GH_VM_EXIT_STATUS, run->exit_reason);
	return reports;
}

class GuestMem : public ::testing::TestWithParam<uint32_t> {
protected:
	void SetUp() override
	{
		gh_backend_sim_config cfg = { 1, 0, false, GH_BACKEND_ABI_V17 };

		ASSERT_EQ(0, gh_backend_open_sim(&cfg, &be_));
		ASSERT_EQ(0, gh_backend_create_vm(be_, &vm_));
	}
	void TearDown() override
	{
		gh_backend_vcpu_release(vcpu_);
		gh_backend_vm_release(vm_);
		gh_backend_gmem_release(mem_);
		gh_backend_close(be_);
	}

	gh_backend_vcpu *AddVcpu()
	{
		gh_vm_function fn;
		memset(&fn, 0, sizeof(fn));
		strcpy(fn.name, "vcpu");
		EXPECT_EQ(0, gh_backend_vm_add_function(vm_, &fn, &vcpu_));
		return vcpu_;
	}

	gh_backend *be_ = nullptr;
	gh_backend_vm *vm_ = nullptr;
	gh_backend_vcpu *vcpu_ = nullptr;
	gh_backend_gmem *mem_ = nullptr;
};

// The guest (sim/tests/guests/mmio_forms.S) stores its results at RAM +
// 1 MiB: read back through the host's view once the memory is the host's.
TEST_P(GuestMem, GuestRunsFromGuestMemory)
{
	const uint32_t access = GetParam();
	std::vector<uint8_t> img = LoadGuest("mmio_forms");

	ASSERT_FALSE(img.empty());
	ASSERT_EQ(0, gh_backend_create_guest_mem(be_, 2 * kRamSize, 1, &mem_));
	uint8_t *view = static_cast<uint8_t *>(gh_backend_gmem_view(mem_));
	ASSERT_NE(nullptr, view);
	// The RAM is the store's second half.
	memcpy(view + kRamSize, img.data(), img.size());
	ASSERT_EQ(0, gh_backend_vm_map_mem(vm_, mem_, kRamBase, kRamSize, kRamSize, kRwx | access));
	gh_backend_vcpu *c = AddVcpu();
	ASSERT_EQ(0, gh_backend_vm_start(vm_));
	EXPECT_EQ(std::vector<uint64_t>{ 0x600d }, RunToStatus(c));
	if (access == kShare) {
		uint64_t r0;
		memcpy(&r0, view + kRamSize + 0x100000, 8);
		EXPECT_EQ(0x5au, r0) << "shared: the host sees the guest's stores while it runs";
	}
	gh_backend_vcpu_release(vcpu_);
	vcpu_ = nullptr;
	gh_backend_vm_release(vm_);
	vm_ = nullptr;
	uint64_t r0;
	memcpy(&r0, view + kRamSize + 0x100000, 8);
	EXPECT_EQ(0x5au, r0) << "the guest's first load result, back with the host";
}

INSTANTIATE_TEST_SUITE_P(LendAndShare, GuestMem, ::testing::Values(0u, kShare),
                         [](const ::testing::TestParamInfo<uint32_t> &i) {
				 return std::string(i.param == kShare ? "Shared" : "Lent");
			 });

TEST_F(GuestMem, MapErrorsAreTheCores)
{
	ASSERT_EQ(0, gh_backend_create_guest_mem(be_, kRamSize, 0, &mem_));
	EXPECT_EQ(-EINVAL, gh_backend_vm_map_mem(vm_, mem_, kRamBase, 0, kRamSize, 0));
	EXPECT_EQ(-EINVAL, gh_backend_vm_map_mem(vm_, mem_, kRamBase, 0, 2 * kRamSize, kRwx));
	EXPECT_EQ(-EINVAL, gh_backend_vm_map_mem(vm_, nullptr, kRamBase, 0, kRamSize, kRwx));
	EXPECT_EQ(-EBADF, gh_backend_vm_map_mem(nullptr, mem_, kRamBase, 0, kRamSize, kRwx));
	ASSERT_EQ(0, gh_backend_vm_map_mem(vm_, mem_, kRamBase, 0, kRamSize, kRwx));
	EXPECT_EQ(-EEXIST,
	          gh_backend_vm_map_mem(vm_, mem_, kRamBase + kRamSize, 0, kRamSize, kRwx));
	EXPECT_EQ(0, gh_backend_vm_map_mem(vm_, mem_, kRamBase, 0, kRamSize, kRwx | kUnmap));
	EXPECT_EQ(-ENOENT, gh_backend_vm_map_mem(vm_, mem_, kRamBase, 0, kRamSize, kRwx | kUnmap));
	gh_backend_gmem *bad = nullptr;
	EXPECT_EQ(-EINVAL, gh_backend_create_guest_mem(be_, kRamSize, 4, &bad));
	EXPECT_EQ(-EINVAL, gh_backend_create_guest_mem(be_, 100, 0, &bad));
}

} // namespace
