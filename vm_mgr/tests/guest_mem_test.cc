// SPDX-License-Identifier: BSD-3-Clause
// Guest memory (v17's GUNYAH_CREATE_GUEST_MEM and GUNYAH_VM_MAP_MEM) on the
// POSIX glue's memfd store: validation, one VM per page, the parcel the RM
// gets, and the host losing its view while the memory is lent.
#include <gtest/gtest.h>
#include <gunyah/os_posix.h>
#include <gunyah/vm_mgr.h>

#include <cstring>
#include <fstream>
#include <string>

#include "fake_rm.h"

#if defined(GH_SANITIZER_ASAN)
#include <sanitizer/lsan_interface.h>
#endif

namespace {

const uint64_t kPage = 4096;

// What the last MEM_SHARE / MEM_LEND was given.
struct Parcel {
	bool lend = false;
	uint64_t phys = 0, size = 0;
	size_t n_ranges = 0;
};
Parcel last_parcel;

// The permissions /proc/self/maps shows for the mapping holding @p ("rw-s").
std::string Perms(const void *p)
{
	std::ifstream maps("/proc/self/maps");
	std::string line;
	uintptr_t a = (uintptr_t)p;

	while (std::getline(maps, line)) {
		unsigned long lo, hi;
		char perms[5] = {};

		if (sscanf(line.c_str(), "%lx-%lx %4s", &lo, &hi, perms) == 3 && a >= lo && a < hi)
			return perms;
	}
	return "";
}

class GuestMemTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		gh_os_posix_warn_quiet(true);
		allocs_ = gh_os_posix_live_allocs();
		ops_ = rm_.ops;
		ops_.mem_share = [](void *c, uint16_t, const gh_vm_mem_parcel *p,
		                    uint32_t *handle) {
			last_parcel.lend = p->lend;
			last_parcel.n_ranges = p->n_ranges;
			last_parcel.phys = p->ranges[0].phys;
			last_parcel.size = p->ranges[0].size;
			*handle = 100 + p->region->label;
			return static_cast<FakeRm *>(c)->call(
				std::string(p->lend ? "mem_lend:" : "mem_share:") +
				std::to_string(p->region->label));
		};
		last_parcel = Parcel();
		ASSERT_EQ(gh_vm_mgr_create(&ops_, &rm_, &vm_), 0);
		gh_gmem_create_args a{};
		a.size = 16 * kPage;
		ASSERT_EQ(gh_gmem_create(&a, &g_), 0);
	}
	void TearDown() override
	{
		if (vm_)
			gh_vm_put(vm_);
		gh_gmem_put(g_);
		EXPECT_TRUE(rm_.live.empty());
		EXPECT_EQ(gh_os_posix_live_allocs(), allocs_);
	}

	static gh_vm_map_mem Map(uint64_t gpa, uint64_t off, uint64_t size,
	                         uint32_t flags = GH_VM_MAP_MEM_ALLOW_RWX)
	{
		gh_vm_map_mem m{};
		m.guest_addr = gpa;
		m.flags = flags;
		m.offset = off;
		m.size = size;
		return m;
	}

	FakeRm rm_;
	gh_vm_rm_ops ops_{};
	gh_vm *vm_ = nullptr;
	gh_gmem *g_ = nullptr;
	long allocs_ = 0;
};

TEST(GuestMem, LayoutsAreV17s)
{
	// uapi/v17: gunyah_create_mem_args is 64 bytes, gunyah_map_mem_args 32.
	static_assert(sizeof(gh_gmem_create_args) == 64, "create args");
	static_assert(sizeof(gh_vm_map_mem) == 32, "map args");
	static_assert(offsetof(gh_vm_map_mem, flags) == 8, "flags");
	static_assert(offsetof(gh_vm_map_mem, guest_mem_fd) == 12, "fd");
	static_assert(offsetof(gh_vm_map_mem, offset) == 16, "offset");
	static_assert(offsetof(gh_vm_map_mem, size) == 24, "size");
	EXPECT_EQ(GH_CREATE_GUEST_MEM, (unsigned)_IOW('G', 8, gh_gmem_create_args));
	EXPECT_EQ(GH_VM_MAP_MEM, (unsigned)_IOW('G', 9, gh_vm_map_mem));
}

TEST(GuestMem, CreateValidation)
{
	long allocs = gh_os_posix_live_allocs();
	gh_gmem_create_args a{};
	gh_gmem *g = nullptr;

	EXPECT_EQ(gh_gmem_create(&a, &g), -EINVAL); // size 0
	a.size = kPage + 1;
	EXPECT_EQ(gh_gmem_create(&a, &g), -EINVAL);
	a.size = kPage;
	a.flags = 1ULL << 2;
	EXPECT_EQ(gh_gmem_create(&a, &g), -EINVAL);
	a.flags = GH_GMEM_CLOEXEC | GH_GMEM_ALLOW_HUGEPAGE;
	a.reserved[5] = 1;
	EXPECT_EQ(gh_gmem_create(&a, &g), -EINVAL);
	a.reserved[5] = 0;
	ASSERT_EQ(gh_gmem_create(&a, &g), 0);
	EXPECT_EQ(gh_gmem_size(g), kPage);
	EXPECT_EQ(gh_gmem_flags(g), GH_GMEM_CLOEXEC | GH_GMEM_ALLOW_HUGEPAGE);
	gh_gmem_put(g);
	EXPECT_EQ(gh_os_posix_live_allocs(), allocs);
}

TEST_F(GuestMemTest, MapValidation)
{
	gh_vm_map_mem m = Map(0x80000000, 0, 4 * kPage);

	m.flags = 0; // no access at all
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), -EINVAL);
	m.flags = GH_VM_MAP_MEM_ALLOW_READ | 3; // access value 3 is none of the three
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), -EINVAL);
	m.flags = GH_VM_MAP_MEM_ALLOW_READ | (1U << 9);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), -EINVAL);
	m = Map(0x80000001, 0, kPage);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), -EINVAL);
	m = Map(0x80000000, 1, kPage);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), -EINVAL);
	m = Map(0x80000000, 0, 0);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), -EINVAL);
	m = Map(0x80000000, 15 * kPage, 2 * kPage); // leaves the store
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), -EINVAL);
	m = Map(0x80000000, 16 * kPage, kPage);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), -EINVAL);
	m = Map(~0ULL & ~(kPage - 1), 0, 2 * kPage); // wraps
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), -EINVAL);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, nullptr, g_), -EFAULT);
	m = Map(0x80000000, 0, kPage);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &m, nullptr), -EFAULT);
}

TEST_F(GuestMemTest, APageGoesToOneVmAndOneGuestAddress)
{
	gh_vm_map_mem m = Map(0x80000000, 0, 4 * kPage);
	gh_vm *other = nullptr;

	ASSERT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), 0);
	// The same pages again, at another guest address or into another VM.
	gh_vm_map_mem again = Map(0x90000000, 3 * kPage, 2 * kPage);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &again, g_), -EEXIST);
	ASSERT_EQ(gh_vm_mgr_create(&ops_, &rm_, &other), 0);
	EXPECT_EQ(gh_vm_mgr_map_mem(other, &again, g_), -EEXIST);
	// Other pages at an overlapping guest range.
	gh_vm_map_mem overlap = Map(0x80003000, 8 * kPage, kPage);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &overlap, g_), -EEXIST);
	// Other pages elsewhere: fine, in either VM.
	gh_vm_map_mem next = Map(0x80004000, 4 * kPage, 4 * kPage);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &next, g_), 0);
	gh_vm_map_mem theirs = Map(0x80000000, 8 * kPage, 8 * kPage);
	EXPECT_EQ(gh_vm_mgr_map_mem(other, &theirs, g_), 0);
	// The store outlives its owner's reference while VMs map it.
	gh_gmem_put(g_);
	g_ = nullptr;
	gh_vm_put(other);
}

TEST_F(GuestMemTest, UnmapTakesBackAMappingOrItsStartOrItsEnd)
{
	gh_vm_map_mem m = Map(0x80000000, 0, 4 * kPage, GH_VM_MAP_MEM_ALLOW_READ);
	gh_vm_map_mem un = m;

	ASSERT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), 0);
	un.flags = GH_VM_MAP_MEM_ALLOW_RWX | GH_VM_MAP_MEM_UNMAP; // other flags
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &un, g_), -ENOENT);
	un.flags = m.flags | GH_VM_MAP_MEM_FORCE_SHARE | GH_VM_MAP_MEM_UNMAP; // other access
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &un, g_), -ENOENT);
	un.flags = m.flags | GH_VM_MAP_MEM_UNMAP;
	un.guest_addr = 0x70000000; // not mapped there
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &un, g_), -ENOENT);
	un.guest_addr = m.guest_addr;
	un.offset = kPage; // the right pages at the wrong place
	un.size = 3 * kPage;
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &un, g_), -ENOENT);
	un.guest_addr = m.guest_addr + kPage;
	un.size = 2 * kPage; // a middle: v17 cannot split a mapping either
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &un, g_), -EINVAL);

	un.guest_addr = m.guest_addr; // the start
	un.offset = 0;
	un.size = kPage;
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &un, g_), 0);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &un, g_), -ENOENT) << "gone";
	un.guest_addr = m.guest_addr + 3 * kPage; // the end
	un.offset = 3 * kPage;
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &un, g_), 0);
	// Pages 0 and 3 are free again, for this VM or another.
	gh_vm_map_mem first = Map(0x90000000, 0, kPage, GH_VM_MAP_MEM_ALLOW_READ);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &first, g_), 0);
	gh_vm_map_mem last = Map(0x80000000, 3 * kPage, kPage, GH_VM_MAP_MEM_ALLOW_READ);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &last, g_), 0) << "its guest page is free too";
	gh_vm_map_mem still = Map(0xa0000000, kPage, kPage, GH_VM_MAP_MEM_ALLOW_READ);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &still, g_), -EEXIST) << "pages 1-2 stay mapped";
	// What is left, pages 1-2 at 0x80001000, goes in one call.
	un.guest_addr = m.guest_addr + kPage;
	un.offset = kPage;
	un.size = 2 * kPage;
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &un, g_), 0);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &still, g_), 0);
}

TEST_F(GuestMemTest, LentAtStartTheHostLosesItsViewUntilReclaim)
{
	char *view = static_cast<char *>(gh_os_posix_gmem_view(gh_gmem_store(g_)));
	gh_vm_map_mem m = Map(0x80000000, 4 * kPage, 4 * kPage); // DEFAULT_ACCESS: lend

	ASSERT_NE(view, nullptr);
	strcpy(view + 4 * kPage, "kernel image");
	ASSERT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), 0);
	EXPECT_EQ(Perms(view + 4 * kPage), "rw-s");
	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	EXPECT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), -EBUSY);

	// The RM got the pages the host wrote, at a mapping of the VM's own.
	EXPECT_TRUE(last_parcel.lend);
	EXPECT_EQ(last_parcel.n_ranges, 1u);
	EXPECT_EQ(last_parcel.size, 4 * kPage);
	char *vm_view = reinterpret_cast<char *>(last_parcel.phys);
	EXPECT_STREQ(vm_view, "kernel image");
	strcpy(vm_view + kPage, "guest wrote this");
	// The host's view of the lent pages is gone; the rest stays.
	EXPECT_EQ(Perms(view + 4 * kPage), "---s");
	EXPECT_EQ(Perms(view + 7 * kPage), "---s");
	EXPECT_EQ(Perms(view + 3 * kPage), "rw-s");
	EXPECT_EQ(Perms(view + 8 * kPage), "rw-s");

	gh_vm_put(vm_);
	vm_ = nullptr;
	// Reclaimed: the host sees the guest's writes.
	EXPECT_EQ(Perms(view + 4 * kPage), "rw-s");
	EXPECT_STREQ(view + 5 * kPage, "guest wrote this");
	EXPECT_NE(std::find(rm_.calls.begin(), rm_.calls.end(), "mem_reclaim:100"),
	          rm_.calls.end());
}

TEST_F(GuestMemTest, SharedMemoryStaysVisibleToTheHost)
{
	char *view = static_cast<char *>(gh_os_posix_gmem_view(gh_gmem_store(g_)));
	gh_vm_map_mem m =
		Map(0x80000000, 0, 2 * kPage, GH_VM_MAP_MEM_ALLOW_READ | GH_VM_MAP_MEM_FORCE_SHARE);

	ASSERT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), 0);
	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	EXPECT_FALSE(last_parcel.lend);
	EXPECT_EQ(Perms(view), "rw-s");
	strcpy(view, "both see it");
	EXPECT_STREQ(reinterpret_cast<char *>(last_parcel.phys), "both see it");
}

TEST_F(GuestMemTest, AViewMadeWhileLentIsNoneThere)
{
	gh_vm_map_mem m =
		Map(0x80000000, 0, kPage, GH_VM_MAP_MEM_ALLOW_RWX | GH_VM_MAP_MEM_FORCE_LEND);

	ASSERT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), 0);
	ASSERT_EQ(gh_vm_mgr_start(vm_), 0);
	char *view = static_cast<char *>(gh_os_posix_gmem_view(gh_gmem_store(g_)));
	ASSERT_NE(view, nullptr);
	EXPECT_EQ(Perms(view), "---s");
	EXPECT_EQ(Perms(view + kPage), "rw-s");
}

TEST_F(GuestMemTest, AFailedShareUnpinsAndKeepsTheHostView)
{
	char *view = static_cast<char *>(gh_os_posix_gmem_view(gh_gmem_store(g_)));
	gh_vm_map_mem m = Map(0x80000000, 0, kPage);

	ASSERT_EQ(gh_vm_mgr_map_mem(vm_, &m, g_), 0);
	rm_.fail_op = "mem_lend:0";
	EXPECT_EQ(gh_vm_mgr_start(vm_), -EIO);
	EXPECT_EQ(Perms(view), "rw-s");
}

// A parcel the RM never gives back is leaked as it is: the host's view of
// lent guest memory stays taken away (its pages may still be the VM's), and
// the store lives on. (Not the fixture: the leak is the point.)
TEST(GuestMemLeak, AParcelTheRmKeepsStaysLent)
{
	FakeRm rm;
	gh_vm *vm = nullptr;
	gh_gmem *g = nullptr;
	gh_gmem_create_args a{};
	a.size = 2 * kPage;
#if defined(GH_SANITIZER_ASAN)
	__lsan::ScopedDisabler leaked_on_purpose;
#endif

	gh_os_posix_warn_quiet(true);
	ASSERT_EQ(gh_vm_mgr_create(&rm.ops, &rm, &vm), 0);
	ASSERT_EQ(gh_gmem_create(&a, &g), 0);
	char *view = static_cast<char *>(gh_os_posix_gmem_view(gh_gmem_store(g)));
	gh_vm_map_mem m{ 0x80000000, GH_VM_MAP_MEM_ALLOW_RWX, 0, 0, kPage };
	ASSERT_EQ(gh_vm_mgr_map_mem(vm, &m, g), 0);
	ASSERT_EQ(gh_vm_mgr_start(vm), 0);
	EXPECT_EQ(Perms(view), "---s");
	rm.fail_op = "mem_reclaim:100"; // refused before and after the reset
	gh_gmem_put(g);
	gh_vm_put(vm);
	EXPECT_EQ(Perms(view), "---s") << "the host got back pages the RM kept";
	EXPECT_EQ(Perms(view + kPage), "rw-s");
}

} // namespace
