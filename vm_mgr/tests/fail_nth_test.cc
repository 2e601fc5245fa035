// SPDX-License-Identifier: BSD-3-Clause
// fail_nth over the VM manager's ioctl sequences: every allocation and
// eventfd call of each sequence fails in turn; each failure must surface as
// its errno, leak nothing, and leave the sequence working once disarmed.
// (The vCPU's sequences are in vcpu/tests/fail_nth_test.cc.)
extern "C" {
#include <gunyah/hypercall.h>
}
#include <gunyah/os_posix.h>
#include <gunyah/os_posix_fault.h>
#include <gunyah/vm_mgr.h>

#include <gtest/gtest.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstring>
#include <memory>

#include "vm_mgr/tests/fail_nth.h"
#include "vm_mgr/tests/fake_rm.h"

namespace {

// Doorbell hypercalls (irqfd) succeed and do nothing.
struct NullHyp {
	gh_hypercall_backend be{};
	NullHyp()
	{
		be.name = "null-hyp";
		be.call = [](void *, const gh_hypercall_regs *, gh_hypercall_regs *out) {
			memset(out, 0, sizeof(*out));
		};
		EXPECT_EQ(gh_hypercall_register_backend(&be), 0);
	}
	~NullHyp() { gh_hypercall_unregister_backend(&be); }
};

// One run's state: its own RM, VM and eventfds.
struct World {
	FakeRm rm;
	gh_vm *vm = nullptr;
	gh_gmem *gmem = nullptr; // v17's guest memory, when a sequence makes one
	int ev[3] = { -1, -1, -1 };

	World()
	{
		for (int &fd : ev)
			fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	}
	~World()
	{
		for (int fd : ev)
			close(fd);
	}
	int Ioctl(unsigned int cmd, const void *arg)
	{
		return gh_vm_mgr_ioctl(vm, cmd, arg, nullptr);
	}
	void Release()
	{
		gh_vm_put(vm);
		vm = nullptr;
		gh_gmem_put(gmem);
		gmem = nullptr;
		EXPECT_TRUE(rm.live.empty()) << "the VM's vmid was not freed";
	}
};

gh_userspace_memory_region Region(uint32_t label, uint64_t gpa, uint64_t size)
{
	gh_userspace_memory_region r{};
	r.label = label;
	r.flags = GH_MEM_ALLOW_READ | GH_MEM_ALLOW_WRITE | GH_MEM_ALLOW_EXEC;
	r.guest_phys_addr = gpa;
	r.memory_size = size;
	r.userspace_addr = FakeGuestMemory(gpa);
	return r;
}

gh_vm_function Irqfd(int fd, uint32_t label, uint32_t flags = 0)
{
	gh_vm_function f;
	memset(&f, 0, sizeof(f));
	strcpy(f.name, "irqfd");
	f.irqfd.fd = (uint32_t)fd;
	f.irqfd.label = label;
	f.irqfd.flags = flags;
	return f;
}

gh_vm_function Ioeventfd(int fd, uint64_t addr, uint32_t len, uint32_t flags = 0,
                         uint64_t datamatch = 0)
{
	gh_vm_function f;
	memset(&f, 0, sizeof(f));
	strcpy(f.name, "ioeventfd");
	f.ioeventfd.fd = (uint32_t)fd;
	f.ioeventfd.addr = addr;
	f.ioeventfd.len = len;
	f.ioeventfd.flags = flags;
	f.ioeventfd.datamatch = datamatch;
	return f;
}

gh_vm_boot_context Boot(uint32_t set, uint32_t index, uint64_t value)
{
	gh_vm_boot_context bc{};
	bc.reg = (set << GH_VM_BOOT_CONTEXT_REG_SHIFT) | index;
	bc.value = value;
	return bc;
}

// The steps every configuration sequence starts with.
void CreateVm(FailNthSequence &s, const std::shared_ptr<World> &w)
{
	s.Step("create vm", [w] { return gh_vm_mgr_create(&w->rm.ops, &w->rm, &w->vm); });
	s.teardown = [w] { w->Release(); };
}

void AddRegions(FailNthSequence &s, const std::shared_ptr<World> &w)
{
	s.Step("set region 0", [w] {
		auto r = Region(0, 0x40000000, 0x100000);
		return w->Ioctl(GH_VM_SET_USER_MEM_REGION, &r);
	});
	s.Step("set region 1", [w] {
		auto r = Region(1, 0x0, 0x10000);
		return w->Ioctl(GH_VM_SET_USER_MEM_REGION, &r);
	});
}

void AddDtb(FailNthSequence &s, const std::shared_ptr<World> &w)
{
	s.Step("set dtb", [w] {
		gh_vm_dtb_config d{};
		d.guest_phys_addr = 0x40080000;
		d.size = 0x2000;
		return w->Ioctl(GH_VM_SET_DTB_CONFIG, &d);
	});
}

void AddBoot(FailNthSequence &s, const std::shared_ptr<World> &w)
{
	s.Step("set boot x0", [w] {
		auto bc = Boot(GH_VM_BOOT_CONTEXT_REG_SET_X, 0, 0x40080000);
		return w->Ioctl(GH_VM_SET_BOOT_CONTEXT, &bc);
	});
	s.Step("set boot pc", [w] {
		auto bc = Boot(GH_VM_BOOT_CONTEXT_REG_SET_PC, 0, 0x40000000);
		return w->Ioctl(GH_VM_SET_BOOT_CONTEXT, &bc);
	});
	s.Step("set boot sp_el1", [w] {
		auto bc = Boot(GH_VM_BOOT_CONTEXT_REG_SET_SP, 1, 0x40100000);
		return w->Ioctl(GH_VM_SET_BOOT_CONTEXT, &bc);
	});
}

void AddIrqfds(FailNthSequence &s, const std::shared_ptr<World> &w)
{
	s.Step("add irqfd 1 (edge)", [w] {
		auto f = Irqfd(w->ev[0], 1);
		return w->Ioctl(GH_VM_ADD_FUNCTION, &f);
	});
	s.Step("add irqfd 2 (level)", [w] {
		auto f = Irqfd(w->ev[1], 2, GH_IRQFD_LEVEL);
		return w->Ioctl(GH_VM_ADD_FUNCTION, &f);
	});
}

void AddIoeventfds(FailNthSequence &s, const std::shared_ptr<World> &w)
{
	s.Step("add ioeventfd 0x9000/4", [w] {
		auto f = Ioeventfd(w->ev[2], 0x9000, 4);
		return w->Ioctl(GH_VM_ADD_FUNCTION, &f);
	});
	s.Step("add ioeventfd 0x9008/2 datamatch", [w] {
		auto f = Ioeventfd(w->ev[2], 0x9008, 2, GH_IOEVENTFD_DATAMATCH, 0xbeef);
		return w->Ioctl(GH_VM_ADD_FUNCTION, &f);
	});
}

class FailNth : public ::testing::Test {
protected:
	void TearDown() override { gh_os_posix_fault_disarm(nullptr); }
	void Report(const char *what, const FailNthSummary &s)
	{
		RecordProperty("injection_points", (int)s.points);
		std::printf("fail_nth %s: %lu points (alloc %lu, irq %lu, eventfd %lu)\n", what,
		            s.points, s.alloc, s.irq, s.eventfd);
	}
	NullHyp hyp_;
};

TEST_F(FailNth, CreateVm)
{
	auto s = FailNthWalk([] {
		FailNthSequence seq;
		CreateVm(seq, std::make_shared<World>());
		return seq;
	});
	Report("create", s);
	EXPECT_GE(s.alloc, 9u); // the VM, seven locks, the resource table
}

TEST_F(FailNth, MemoryRegions)
{
	auto s = FailNthWalk([] {
		FailNthSequence seq;
		auto w = std::make_shared<World>();
		CreateVm(seq, w);
		AddRegions(seq, w);
		return seq;
	});
	Report("regions", s);
}

TEST_F(FailNth, DtbConfig)
{
	auto s = FailNthWalk([] {
		FailNthSequence seq;
		auto w = std::make_shared<World>();
		CreateVm(seq, w);
		AddRegions(seq, w);
		AddDtb(seq, w);
		return seq;
	});
	Report("dtb", s);
}

TEST_F(FailNth, BootContext)
{
	auto s = FailNthWalk([] {
		FailNthSequence seq;
		auto w = std::make_shared<World>();
		CreateVm(seq, w);
		AddBoot(seq, w);
		return seq;
	});
	Report("boot context", s);
}

TEST_F(FailNth, Irqfd)
{
	auto s = FailNthWalk([] {
		FailNthSequence seq;
		auto w = std::make_shared<World>();
		CreateVm(seq, w);
		AddIrqfds(seq, w);
		seq.Step("remove irqfd 1", [w] {
			auto f = Irqfd(w->ev[0], 1);
			return w->Ioctl(GH_VM_REMOVE_FUNCTION, &f);
		});
		return seq;
	});
	Report("irqfd", s);
	EXPECT_GE(s.eventfd, 4u); // two gets, two watches
}

TEST_F(FailNth, Ioeventfd)
{
	auto s = FailNthWalk([] {
		FailNthSequence seq;
		auto w = std::make_shared<World>();
		CreateVm(seq, w);
		AddIoeventfds(seq, w);
		seq.Step("guest write completes on the bus", [w] {
			int r = gh_vm_mgr_mmio_write(w->vm, 0x9008, 2, 0xbeef);
			uint64_t cnt = 0;
			if (!r && read(w->ev[2], &cnt, sizeof(cnt)) != (ssize_t)sizeof(cnt))
				return -EIO;
			return r ? r : (cnt == 1 ? 0 : -EIO);
		});
		seq.Step("remove ioeventfd 0x9000/4", [w] {
			auto f = Ioeventfd(w->ev[2], 0x9000, 4);
			return w->Ioctl(GH_VM_REMOVE_FUNCTION, &f);
		});
		return seq;
	});
	Report("ioeventfd", s);
	EXPECT_GE(s.eventfd, 2u);
}

// Everything configured, then GH_VM_START through the fake RM, which hands
// out the irqfds' doorbells.
TEST_F(FailNth, Start)
{
	auto s = FailNthWalk([] {
		FailNthSequence seq;
		auto w = std::make_shared<World>();
		w->rm.AddBellResource(1, 0x101);
		w->rm.AddBellResource(2, 0x102);
		CreateVm(seq, w);
		AddRegions(seq, w);
		AddDtb(seq, w);
		AddBoot(seq, w);
		AddIrqfds(seq, w);
		AddIoeventfds(seq, w);
		seq.Step("start", [w] { return w->Ioctl(GH_VM_START, nullptr); });
		seq.Step("running", [w] {
			return gh_vm_mgr_status(w->vm) == GH_VM_MGR_STATUS_RUNNING ? 0 : -EIO;
		});
		return seq;
	});
	Report("start", s);
}

// v17's guest memory: the store, a lent and a shared mapping, the start
// that pins, lends and shares them, the release that gives them back.
TEST_F(FailNth, GuestMemory)
{
	auto s = FailNthWalk([] {
		FailNthSequence seq;
		auto w = std::make_shared<World>();
		CreateVm(seq, w);
		seq.Step("create guest memory", [w] {
			gh_gmem_create_args a{};
			a.size = 0x20000;
			return gh_gmem_create(&a, &w->gmem);
		});
		seq.Step("map lent", [w] {
			gh_vm_map_mem m{ 0x40000000, GH_VM_MAP_MEM_ALLOW_RWX, 0, 0, 0x10000 };
			return gh_vm_mgr_map_mem(w->vm, &m, w->gmem);
		});
		seq.Step("map shared", [w] {
			gh_vm_map_mem m{ 0x50000000,
				         GH_VM_MAP_MEM_ALLOW_READ | GH_VM_MAP_MEM_FORCE_SHARE, 0,
				         0x10000, 0x10000 };
			return gh_vm_mgr_map_mem(w->vm, &m, w->gmem);
		});
		seq.Step("start", [w] { return w->Ioctl(GH_VM_START, nullptr); });
		return seq;
	});
	Report("guest memory", s);
	EXPECT_GE(s.alloc, 12u); // the VM's, the store, two bindings, two pins
}

// A start that fails in the RM after an allocation-free prefix: the VM is
// LOAD_FAILED and its release must still give everything back.
TEST_F(FailNth, StartFailingInTheRm)
{
	auto s = FailNthWalk(
		[] {
			FailNthSequence seq;
			auto w = std::make_shared<World>();
			w->rm.AddBellResource(1, 0x101);
			w->rm.fail_op = "vm_start";
			CreateVm(seq, w);
			AddRegions(seq, w);
			AddIrqfds(seq, w);
			seq.Step("start fails in the RM", [w] {
				int r = w->Ioctl(GH_VM_START, nullptr);
				return r == -EIO ? 0 : (r ? r : -EINVAL);
			});
			return seq;
		},
		GH_OS_FAULT_ALL);
	Report("start failing in the RM", s);
}

} // namespace
