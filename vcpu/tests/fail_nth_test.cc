// SPDX-License-Identifier: BSD-3-Clause
// fail_nth over the vCPU's ioctl sequences (vm_mgr/tests/fail_nth.h): adding
// vCPU functions, starting a VM with them, and RUN against the scripted fake
// hypervisor with an ioeventfd, an irqfd and a wake-up IRQ.
#include <gunyah/os_posix.h>
#include <gunyah/os_posix_fault.h>
#include <gunyah/vcpu.h>
#include <gunyah/vm_mgr.h>

#include <cstring>
#include <memory>
#include <sys/eventfd.h>
#include <unistd.h>

#include "vcpu/tests/fake_hyp.h"
#include "vm_mgr/tests/fail_nth.h"

namespace {

constexpr uint64_t kCapid0 = 0x4200, kCapid1 = 0x4201;
constexpr uint32_t kIrq0 = 77, kIrq1 = 78;

// One run's state: its own hypervisor script, RM, VM, vCPUs and eventfds.
struct World {
	FakeHyp hyp;
	FakeRm rm;
	gh_vm *vm = nullptr;
	gh_vcpu *vcpu[2] = { nullptr, nullptr };
	int ev[2] = { -1, -1 };

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
	int AddVcpu(uint32_t id)
	{
		gh_vm_function f;
		memset(&f, 0, sizeof(f));
		strcpy(f.name, "vcpu");
		f.vcpu.vcpu_id = id;
		gh_vm_function_handle *h = nullptr;
		int r = gh_vm_mgr_ioctl(vm, GH_VM_ADD_FUNCTION, &f, &h);
		if (!r)
			vcpu[id] = gh_vcpu_from_handle(h);
		return r;
	}
	int RemoveVcpu(uint32_t id)
	{
		gh_vm_function f;
		memset(&f, 0, sizeof(f));
		strcpy(f.name, "vcpu");
		f.vcpu.vcpu_id = id;
		return gh_vm_mgr_ioctl(vm, GH_VM_REMOVE_FUNCTION, &f, nullptr);
	}
	int AddFunction(const char *name, const void *arg, size_t size)
	{
		gh_vm_function f;
		memset(&f, 0, sizeof(f));
		strcpy(f.name, name);
		memcpy(f.data, arg, size);
		return gh_vm_mgr_ioctl(vm, GH_VM_ADD_FUNCTION, &f, nullptr);
	}
	struct gh_vcpu_run *Page(int i)
	{
		return static_cast<struct gh_vcpu_run *>(gh_vcpu_map_page(vcpu[i], 0));
	}
	void Release()
	{
		for (auto &v : vcpu) {
			gh_vcpu_handle_release(v);
			v = nullptr;
		}
		gh_vm_put(vm);
		vm = nullptr;
		gh_os_posix_clear_kick();
		EXPECT_TRUE(rm.live.empty()) << "the VM's vmid was not freed";
	}
};

void CreateVm(FailNthSequence &s, const std::shared_ptr<World> &w)
{
	s.Step("create vm", [w] { return gh_vm_mgr_create(&w->rm.ops, &w->rm, &w->vm); });
	s.teardown = [w] { w->Release(); };
}

// RUN until the MMIO read exit the script ends with: 0 when RUN returned it.
// A RUN whose start failed returns a LOAD_FAILED STATUS exit (vcpu/README);
// the start's errno is then what GH_VM_START says, as a VMM would ask.
int RunToMmioRead(World &w, int i, uint64_t addr)
{
	int r = gh_vcpu_run(w.vcpu[i]);
	if (r)
		return r;
	struct gh_vcpu_run *run = w.Page(i);
	if (run->exit_reason == GH_VM_EXIT_STATUS &&
	    run->status.status == GH_VM_STATUS_LOAD_FAILED) {
		r = gh_vm_mgr_start(w.vm);
		return r ? r : -EIO;
	}
	return run->exit_reason == GH_VM_EXIT_MMIO && run->mmio.phys_addr == addr ? 0 : -EIO;
}

/*
 * A wake-up IRQ that cannot be requested when the RM hands out the vCPU's
 * resource at start does not fail the start (vm_mgr: a ticket whose
 * populate fails leaves its resource unclaimed, with a warning); that
 * vCPU's RUN then returns -ENODEV. Everything else surfaces as its errno.
 */
int ExpectWithWakeupIrqs(unsigned int cls, const std::string &step)
{
	if (cls == GH_OS_FAULT_IRQ)
		return step.rfind("run vcpu", 0) == 0 ? -ENODEV : 0;
	return FailNthDefaultExpect(cls, step);
}

class VcpuFailNth : public ::testing::Test {
protected:
	void SetUp() override { ASSERT_EQ(gh_vcpu_register_function(), 0); }
	void TearDown() override { gh_os_posix_fault_disarm(nullptr); }
	void Report(const char *what, const FailNthSummary &s)
	{
		RecordProperty("injection_points", (int)s.points);
		std::printf("fail_nth %s: %lu points (alloc %lu, irq %lu, eventfd %lu)\n", what,
		            s.points, s.alloc, s.irq, s.eventfd);
	}
};

TEST_F(VcpuFailNth, AddVcpuFunctions)
{
	auto s = FailNthWalk([] {
		FailNthSequence seq;
		auto w = std::make_shared<World>();
		CreateVm(seq, w);
		seq.Step("add vcpu 0", [w] { return w->AddVcpu(0); });
		seq.Step("add vcpu 1", [w] { return w->AddVcpu(1); });
		seq.Step("remove vcpu 1", [w] { return w->RemoveVcpu(1); });
		seq.Step("add vcpu 1 again", [w] {
			gh_vcpu_handle_release(w->vcpu[1]);
			w->vcpu[1] = nullptr;
			return w->AddVcpu(1);
		});
		return seq;
	});
	Report("add vcpu", s);
	EXPECT_GE(s.alloc,
	          9u + 3 * 4); // the VM; per vCPU: object, page, lock, completion, instance
}

// GH_VM_START hands both vCPUs their resources (and wake-up IRQs); a RUN of
// each shows it took them.
TEST_F(VcpuFailNth, StartWithVcpus)
{
	auto s = FailNthWalk(
		[] {
			FailNthSequence seq;
			auto w = std::make_shared<World>();
			w->rm.AddVcpuResource(0, kCapid0, kIrq0);
			w->rm.AddVcpuResource(1, kCapid1, kIrq1);
			w->hyp.Push({ MmioRead(0xa000, 4), MmioRead(0xa004, 4) });
			CreateVm(seq, w);
			seq.Step("add vcpu 0", [w] { return w->AddVcpu(0); });
			seq.Step("add vcpu 1", [w] { return w->AddVcpu(1); });
			seq.Step("start", [w] { return gh_vm_mgr_start(w->vm); });
			seq.Step("run vcpu 0", [w] { return RunToMmioRead(*w, 0, 0xa000); });
			seq.Step("run vcpu 1", [w] { return RunToMmioRead(*w, 1, 0xa004); });
			return seq;
		},
		GH_OS_FAULT_ALL, ExpectWithWakeupIrqs);
	Report("start with vcpus", s);
	EXPECT_EQ(s.irq, 2u);
}

// Functions added to a running VM take their resources at once: a vCPU's
// wake-up IRQ that cannot be requested then fails ADD_FUNCTION with its
// errno (the ticket's populate error), and an irqfd's doorbell is populated
// before its watch exists (so a failing watch unwinds a populated ticket).
TEST_F(VcpuFailNth, FunctionsAddedAfterStart)
{
	auto s = FailNthWalk(
		[] {
			FailNthSequence seq;
			auto w = std::make_shared<World>();
			w->rm.AddVcpuResource(0, kCapid0, kIrq0);
			w->rm.AddVcpuResource(1, kCapid1, kIrq1);
			w->rm.AddBellResource(5, 0x105);
			w->hyp.Push(MmioRead(0xa004, 4));
			CreateVm(seq, w);
			seq.Step("add vcpu 0", [w] { return w->AddVcpu(0); });
			seq.Step("start", [w] { return gh_vm_mgr_start(w->vm); });
			seq.Step("add vcpu 1 after start", [w] { return w->AddVcpu(1); });
			seq.Step("add irqfd after start", [w] {
				gh_fn_irqfd_arg a{};
				a.fd = (uint32_t)w->ev[1];
				a.label = 5;
				a.flags = GH_IRQFD_LEVEL;
				return w->AddFunction("irqfd", &a, sizeof(a));
			});
			seq.Step("run vcpu 1", [w] { return RunToMmioRead(*w, 1, 0xa004); });
			return seq;
		},
		GH_OS_FAULT_ALL,
		[](unsigned int cls, const std::string &step) {
			// vCPU 0's IRQ at start: swallowed (see ExpectWithWakeupIrqs);
			// vCPU 0 is not run here.
			if (cls == GH_OS_FAULT_IRQ && step.empty())
				return 0;
			return FailNthDefaultExpect(cls, step);
		});
	Report("functions added after start", s);
	EXPECT_EQ(s.irq, 2u);
}

// The whole loop: RUN starts the VM; a guest write completes on an
// ioeventfd inside RUN; the vCPU waits for its wake-up IRQ (raised from
// inside vcpu_run); an MMIO read goes to userspace; an irqfd rings its
// doorbell; the next RUN resumes the read and sees the VM power off, which
// the RM reports: a STATUS exit.
TEST_F(VcpuFailNth, RunLoop)
{
	auto s = FailNthWalk(
		[] {
			FailNthSequence seq;
			auto w = std::make_shared<World>();
			World *raw = w.get();
			w->rm.AddVcpuResource(0, kCapid0, kIrq0);
			w->rm.AddBellResource(5, 0x105);
			HypStep wfi = Step(GH_VCPU_STATE_EXPECTS_WAKEUP);
			wfi.action = [] { gh_os_posix_irq_raise(kIrq0); };
			w->hyp.Push({ MmioWrite(0x9000, 4, 7), wfi, MmioRead(0xa000, 4) });
			HypStep off = Step(GH_VCPU_STATE_POWERED_OFF, GH_VCPU_POWEROFF_EXITED);
			off.action = [raw] {
				gh_vm_exit_info info{};
				info.type = GH_VM_EXIT_TYPE_VM_EXIT;
				gh_vm_mgr_notify_status(raw->vm, GH_VM_MGR_STATUS_EXITED, &info);
			};
			w->hyp.Push(off);
			CreateVm(seq, w);
			seq.Step("add ioeventfd", [w] {
				gh_fn_ioeventfd_arg a{};
				a.fd = (uint32_t)w->ev[0];
				a.addr = 0x9000;
				a.len = 4;
				return w->AddFunction("ioeventfd", &a, sizeof(a));
			});
			seq.Step("add irqfd", [w] {
				gh_fn_irqfd_arg a{};
				a.fd = (uint32_t)w->ev[1];
				a.label = 5;
				return w->AddFunction("irqfd", &a, sizeof(a));
			});
			seq.Step("add vcpu 0", [w] { return w->AddVcpu(0); });
			seq.Step("run vcpu 0: starts, to the MMIO read",
		                 [w] { return RunToMmioRead(*w, 0, 0xa000); });
			seq.Step("ioeventfd signalled once", [w] {
				uint64_t cnt = 0;
				if (read(w->ev[0], &cnt, sizeof(cnt)) != (ssize_t)sizeof(cnt))
					return -EIO;
				return cnt == 1 ? 0 : -EIO;
			});
			seq.Step("signal irqfd", [w] {
				uint64_t one = 1;
				return write(w->ev[1], &one, sizeof(one)) == (ssize_t)sizeof(one) ?
			                       0 :
			                       -EIO;
			});
			seq.Step("run vcpu 0: resumes, to the STATUS exit", [w] {
				struct gh_vcpu_run *run = w->Page(0);
				run->mmio.data[0] = 0x5a;
				int r = gh_vcpu_run(w->vcpu[0]);
				if (r)
					return r;
				return run->exit_reason == GH_VM_EXIT_STATUS &&
			                               run->status.status == GH_VM_STATUS_EXITED ?
			                       0 :
			                       -EIO;
			});
			return seq;
		},
		GH_OS_FAULT_ALL, ExpectWithWakeupIrqs);
	Report("run loop", s);
	EXPECT_EQ(s.irq, 1u);
	EXPECT_GE(s.eventfd, 3u); // ioeventfd get; irqfd get and watch
}

} // namespace
