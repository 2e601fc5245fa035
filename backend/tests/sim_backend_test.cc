// SPDX-License-Identifier: BSD-3-Clause
// The in-process UAPI end to end: backend -> vm_mgr/vcpu cores -> hypercall
// ABI -> simulator -> guest code, with the simulator's test guests.
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

extern "C" {
#include <gunyah/backend.h>
}

namespace {

constexpr uint64_t kRamBase = 0x40000000;
constexpr uint64_t kRamSize = 2 << 20;
constexpr uint64_t kReportAddr = 0x0a000000;
constexpr uint64_t kPattern = 0xf0e1d2c3b4a59687ULL;

std::vector<uint8_t> LoadGuest(const std::string &name)
{
	std::ifstream f("sim/tests/guests/" + name + ".bin", std::ios::binary);
	return std::vector<uint8_t>(std::istreambuf_iterator<char>(f),
	                            std::istreambuf_iterator<char>());
}

struct gh_vm_function VcpuFn(uint32_t id)
{
	struct gh_vm_function fn;

	memset(&fn, 0, sizeof(fn));
	strcpy(fn.name, "vcpu");
	fn.vcpu.vcpu_id = id;
	return fn;
}

class SimBackend : public ::testing::Test {
protected:
	void Open(uint32_t vcpus = 1, bool timing = false, gh_backend_abi abi = GH_BACKEND_ABI_AUTO)
	{
		struct gh_backend_sim_config cfg = { vcpus, 0, timing, abi };

		ASSERT_EQ(0, gh_backend_open_sim(&cfg, &be_));
		ASSERT_EQ(0, gh_backend_create_vm(be_, &vm_));
	}

	void Load(const std::string &guest)
	{
		std::vector<uint8_t> img = LoadGuest(guest);

		ASSERT_FALSE(img.empty());
		ram_ = static_cast<uint8_t *>(mmap(nullptr, kRamSize, PROT_READ | PROT_WRITE,
		                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
		memcpy(ram_, img.data(), img.size());
		struct gh_userspace_memory_region r = {};
		r.label = 0;
		r.flags = GH_MEM_ALLOW_RWX;
		r.guest_phys_addr = kRamBase;
		r.memory_size = kRamSize;
		r.userspace_addr = (uint64_t)(uintptr_t)ram_;
		ASSERT_EQ(0, gh_backend_vm_set_user_mem_region(vm_, &r));
	}

	void SetX(uint32_t n, uint64_t v)
	{
		struct gh_vm_boot_context bc = {};
		bc.reg = GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_X, n);
		bc.value = v;
		ASSERT_EQ(0, gh_backend_vm_set_boot_context(vm_, &bc));
	}

	struct gh_backend_vcpu *AddVcpu(uint32_t id)
	{
		struct gh_vm_function fn = VcpuFn(id);
		struct gh_backend_vcpu *c = nullptr;

		EXPECT_EQ(0, gh_backend_vm_add_function(vm_, &fn, &c));
		vcpus_.push_back(c);
		return c;
	}

	// The VMM's loop: MMIO echo + reports, until a STATUS exit or an error.
	int Loop(struct gh_backend_vcpu *c, struct gh_vcpu_run **out = nullptr)
	{
		struct gh_vcpu_run *run = gh_backend_vcpu_run_page(c);

		if (out)
			*out = run;
		for (;;) {
			int ret = gh_backend_vcpu_run(c);
			if (ret)
				return ret;
			if (run->exit_reason == GH_VM_EXIT_STATUS)
				return 0;
			if (run->exit_reason != GH_VM_EXIT_MMIO)
				return -1000;
			if (run->mmio.phys_addr - fault_base_ < fault_size_) {
				std::lock_guard<std::mutex> g(mu_);
				faulted_.push_back(run->mmio.phys_addr);
				run->mmio.resume_action = GH_VM_RESUME_FAULT;
				continue;
			}
			if (run->mmio.is_write) {
				uint64_t v = 0;
				memcpy(&v, run->mmio.data, run->mmio.len);
				std::lock_guard<std::mutex> g(mu_);
				if (run->mmio.phys_addr == kReportAddr)
					reports_.push_back(v);
				else
					writes_.push_back(v);
			} else {
				memcpy(run->mmio.data, &kPattern, 8);
				reads_++;
			}
			run->mmio.resume_action = GH_VM_RESUME_HANDLED;
		}
	}

	uint64_t Result(unsigned int i)
	{
		uint64_t v;
		memcpy(&v, ram_ + 0x100000 + 8 * i, 8);
		return v;
	}

	void TearDown() override
	{
		for (auto *c : vcpus_)
			gh_backend_vcpu_release(c);
		gh_backend_vm_release(vm_);
		gh_backend_close(be_);
		if (ram_)
			munmap(ram_, kRamSize);
	}

	struct gh_backend *be_ = nullptr;
	struct gh_backend_vm *vm_ = nullptr;
	std::vector<struct gh_backend_vcpu *> vcpus_;
	uint8_t *ram_ = nullptr;
	std::mutex mu_;
	std::vector<uint64_t> reports_, writes_;
	int reads_ = 0;
	// MMIO answered with GH_VM_RESUME_FAULT by Loop()
	uint64_t fault_base_ = 0, fault_size_ = 0;
	std::vector<uint64_t> faulted_;
};

TEST_F(SimBackend, MmioGuestRunsToPowerOff)
{
	Open();
	Load("mmio_forms");
	struct gh_backend_vcpu *c = AddVcpu(0);
	struct gh_vcpu_run *run;

	ASSERT_EQ(0, gh_backend_vm_start(vm_));
	ASSERT_EQ(0, Loop(c, &run));
	EXPECT_EQ(GH_VM_STATUS_EXITED, run->status.status);
	EXPECT_EQ(GH_VM_EXIT_TYPE_PSCI_POWER_OFF, run->status.exit_info.type);
	EXPECT_EQ(std::vector<uint64_t>{ 0x600d }, reports_);
	EXPECT_EQ(18, reads_);
	EXPECT_EQ(10u, writes_.size());
	EXPECT_EQ(0x87u, Result(0));
	EXPECT_EQ(0xffffffffffff9687ULL, Result(7));
	EXPECT_EQ(kPattern, Result(12));
	// The VM is gone for good: RUN keeps reporting the status.
	EXPECT_EQ(0, gh_backend_vcpu_run(c));
	EXPECT_EQ(GH_VM_EXIT_STATUS, run->exit_reason);
	// Configuration after start: -EBUSY, as the kernel.
	struct gh_vm_dtb_config dtb = { kRamBase, 4096 };
	EXPECT_EQ(-EBUSY, gh_backend_vm_set_dtb_config(vm_, &dtb));
}

// The in-process UAPI takes the later ABIs' function descriptor too: the same
// guest, its vCPU added the v17 way and the Android way.
TEST_F(SimBackend, MmioGuestThroughEachAbi)
{
	for (gh_backend_abi abi :
	     { GH_BACKEND_ABI_SEED, GH_BACKEND_ABI_V17, GH_BACKEND_ABI_ANDROID }) {
		SCOPED_TRACE(abi);
		Open(1, false, abi);
		EXPECT_EQ(abi, gh_backend_abi_in_use(be_));
		Load("mmio_forms");
		struct gh_backend_vcpu *c = AddVcpu(0);
		struct gh_vm_function dup = VcpuFn(0);
		struct gh_backend_vcpu *d = nullptr;
		EXPECT_EQ(-EEXIST, gh_backend_vm_add_function(vm_, &dup, &d));
		struct gh_vcpu_run *run;
		ASSERT_EQ(0, gh_backend_vm_start(vm_));
		ASSERT_EQ(0, Loop(c, &run));
		EXPECT_EQ(GH_VM_STATUS_EXITED, run->status.status);
		EXPECT_EQ(std::vector<uint64_t>{ 0x600d }, reports_);
		TearDown();
		vcpus_.clear();
		ram_ = nullptr;
		reports_.clear();
		reads_ = 0;
		writes_.clear();
	}
	Open(); // for the fixture's TearDown
	gh_backend_abi a;
	EXPECT_EQ(0, gh_backend_abi_parse("android", &a));
	EXPECT_EQ(GH_BACKEND_ABI_ANDROID, a);
	EXPECT_EQ(-EINVAL, gh_backend_abi_parse("v9", &a));
	gh_backend_sim_config bad = { 1, 0, false, (gh_backend_abi)7 };
	gh_backend *b = nullptr;
	EXPECT_EQ(-EINVAL, gh_backend_open_sim(&bad, &b));
}

TEST_F(SimBackend, VcpuTimesOnlyWithTiming)
{
	Open();
	Load("mmio_forms");
	struct gh_backend_vcpu *c = AddVcpu(0);
	struct gh_backend_vcpu_times t;

	ASSERT_EQ(0, gh_backend_vm_start(vm_));
	ASSERT_EQ(0, Loop(c));
	EXPECT_EQ(-EOPNOTSUPP, gh_backend_vcpu_times(c, &t));
	EXPECT_EQ(-EINVAL, gh_backend_vcpu_times(nullptr, &t));
	EXPECT_EQ(-EINVAL, gh_backend_vcpu_times(c, nullptr));
}

TEST_F(SimBackend, VcpuTimesSplitGuestAndHypervisor)
{
	Open(1, true);
	Load("mmio_forms");
	struct gh_backend_vcpu *c = AddVcpu(0);
	struct gh_backend_vcpu_times t = { 0, 0 };

	ASSERT_EQ(0, gh_backend_vm_start(vm_));
	ASSERT_EQ(0, Loop(c));
	ASSERT_EQ(0, gh_backend_vcpu_times(c, &t));
	EXPECT_GT(t.ns_guest, 0u) << "the guest ran";
	EXPECT_GT(t.ns_hypervisor, 0u) << "every exit went through vcpu_run";
}

TEST_F(SimBackend, CrashReportsReason)
{
	Open();
	Load("nosyndrome");
	SetX(0, 0); // LDP to MMIO
	struct gh_backend_vcpu *c = AddVcpu(0);
	struct gh_vcpu_run *run;

	ASSERT_EQ(0, gh_backend_vm_start(vm_));
	ASSERT_EQ(0, Loop(c, &run));
	EXPECT_EQ(GH_VM_STATUS_CRASHED, run->status.status);
	EXPECT_EQ(GH_VM_EXIT_TYPE_HYP_ERROR, run->status.exit_info.type);
	EXPECT_EQ(8u, run->status.exit_info.reason_size);
	// As the RM's VM_EXITED says it: word 0 = flags | exit code (SOFTWARE_ERROR)
	// << 16, then the simulator's crash code (1: MMIO without syndrome).
	EXPECT_EQ(0, run->status.exit_info.reason[0]);
	EXPECT_EQ(1, run->status.exit_info.reason[2]);
	EXPECT_EQ(1, run->status.exit_info.reason[4]);

	// The simulator's own words for it: the vCPU, the PC and what happened.
	char why[256];
	ASSERT_EQ(0, gh_backend_vm_exit_description(vm_, &run->status.exit_info, why, sizeof(why)));
	EXPECT_NE(std::string::npos, std::string(why).find("vCPU 0")) << why;
	EXPECT_NE(std::string::npos, std::string(why).find("pc 0x4000")) << why;
	char tiny[6];
	ASSERT_EQ(0,
	          gh_backend_vm_exit_description(vm_, &run->status.exit_info, tiny, sizeof(tiny)));
	EXPECT_EQ(std::string(why).substr(0, 5), std::string(tiny));
}

// A clean exit is described too: PSCI SYSTEM_OFF in the simulator's words.
TEST_F(SimBackend, PowerOffDescribed)
{
	Open();
	Load("mmio_forms");
	struct gh_backend_vcpu *c = AddVcpu(0);
	struct gh_vcpu_run *run;
	char why[64];

	ASSERT_EQ(0, gh_backend_vm_start(vm_));
	ASSERT_EQ(0, Loop(c, &run));
	ASSERT_EQ(GH_VM_STATUS_EXITED, run->status.status);
	ASSERT_EQ(0, gh_backend_vm_exit_description(vm_, &run->status.exit_info, why, sizeof(why)));
	EXPECT_NE(nullptr, strstr(why, "SYSTEM_OFF")) << why;
}

// GH_VM_RESUME_FAULT in the run page: the guest (sim/tests/guests/exc.S)
// takes a synchronous external abort on its own vectors at each faulted
// access and carries on; its loads keep their registers.
TEST_F(SimBackend, ResumeFaultInjectsADataAbort)
{
	Open();
	Load("exc");
	struct gh_backend_vcpu *c = AddVcpu(0);
	struct gh_vcpu_run *run;

	fault_base_ = 0x09000040;
	fault_size_ = 0x40;
	ASSERT_EQ(0, gh_backend_vm_start(vm_));
	ASSERT_EQ(0, Loop(c, &run));
	EXPECT_EQ(GH_VM_STATUS_EXITED, run->status.status);
	EXPECT_EQ(GH_VM_EXIT_TYPE_PSCI_POWER_OFF, run->status.exit_info.type);
	EXPECT_EQ((std::vector<uint64_t>{ 0x09000040, 0x09000048, 0x09000052, 0x09000058,
	                                  0x09000060, 0x09000068, 0x09000070 }),
	          faulted_);
	ASSERT_EQ(55u, reports_.size());
	// the 8-byte load: EC 0x25, IL, ISV, SAS 3, SRT 2, SF, DFSC 0x10; FAR;
	// ELR at the load
	EXPECT_EQ(0x97c28010u, reports_[1]);
	EXPECT_EQ(0x09000040u, reports_[2]);
	EXPECT_EQ(reports_[0], reports_[3]);
	// the EL0 load (the 9th exception): EC 0x24, SAS 2, SRT 8
	EXPECT_EQ(0x93880010u, reports_[41]);
	EXPECT_EQ(0x09000070u, reports_[42]);
	EXPECT_EQ(reports_[40], reports_[43]);
	EXPECT_EQ((std::vector<uint64_t>{ 0x5a5a0002, 0x5a5a0004, 0x5a5a0006, 0x5a5a0008, 10 }),
	          std::vector<uint64_t>(reports_.end() - 5, reports_.end()));
	EXPECT_TRUE(writes_.empty());
	EXPECT_EQ(0, reads_);
}

// A guest read or fetch in RAM its region does not permit
// (sim/tests/guests/pagefault.S, the region at 0 write-only): a vCPU added by
// descriptor (v17) gets exit_reason 3 (GUNYAH_VCPU_EXIT_PAGE_FAULT) with
// page_fault at v17's offsets (uapi/v17/include/linux/gunyah.h: phys_addr
// 16, attempt 24, resume_action 28; vcpu:run_page_v17_test checks them
// against the header); answered FAULT, the guest takes the abort on its
// vectors and carries on. Added by name, the same guest sees the same
// aborts but the VMM never sees exit 3: the core answers for it.
TEST_F(SimBackend, PageFaultExitThroughEachAbi)
{
	constexpr size_t kPfPhysAddr = 16, kPfAttempt = 24, kPfResumeAction = 28;
	constexpr uint32_t kExitPageFault = 3;
	constexpr uint8_t kResumeFault = 1; // GUNYAH_VCPU_RESUME_FAULT
	const std::vector<uint64_t> want_pf = { 0x100, 0x108, 0x200, 0x110 };

	for (gh_backend_abi abi : { GH_BACKEND_ABI_V17, GH_BACKEND_ABI_SEED }) {
		SCOPED_TRACE(abi);
		Open(1, false, abi);
		Load("pagefault");
		constexpr size_t kGuarded = 65536;
		void *guarded = mmap(nullptr, kGuarded, PROT_READ | PROT_WRITE,
		                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_NE(MAP_FAILED, guarded);
		struct gh_userspace_memory_region r = {};
		r.label = 1;
		r.flags = GH_MEM_ALLOW_WRITE; // neither readable nor executable
		r.guest_phys_addr = 0;
		r.memory_size = kGuarded;
		r.userspace_addr = (uint64_t)(uintptr_t)guarded;
		ASSERT_EQ(0, gh_backend_vm_set_user_mem_region(vm_, &r));
		struct gh_vm_boot_context pc = {}; // not the lowest region's start
		pc.reg = GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_PC, 0);
		pc.value = kRamBase;
		ASSERT_EQ(0, gh_backend_vm_set_boot_context(vm_, &pc));
		struct gh_backend_vcpu *c = AddVcpu(0);
		struct gh_vcpu_run *run = gh_backend_vcpu_run_page(c);
		uint8_t *page = reinterpret_cast<uint8_t *>(run);
		std::vector<uint64_t> pf;

		ASSERT_EQ(0, gh_backend_vm_start(vm_));
		for (int n = 0; n < 1000; n++) {
			ASSERT_EQ(0, gh_backend_vcpu_run(c));
			if (run->exit_reason == GH_VM_EXIT_STATUS)
				break;
			if (run->exit_reason == kExitPageFault) {
				uint64_t addr;
				int32_t attempt;
				memcpy(&addr, page + kPfPhysAddr, 8);
				memcpy(&attempt, page + kPfAttempt, 4);
				pf.push_back(addr);
				EXPECT_EQ(0, attempt);
				EXPECT_EQ(kResumeFault, page[kPfResumeAction]) << "the default";
				page[kPfResumeAction] = kResumeFault;
				continue;
			}
			ASSERT_EQ((uint32_t)GH_VM_EXIT_MMIO, run->exit_reason);
			ASSERT_TRUE(run->mmio.is_write);
			uint64_t v = 0;
			memcpy(&v, run->mmio.data, run->mmio.len);
			if (run->mmio.phys_addr == kReportAddr)
				reports_.push_back(v);
			run->mmio.resume_action = GH_VM_RESUME_HANDLED;
		}
		ASSERT_EQ((uint32_t)GH_VM_EXIT_STATUS, run->exit_reason);
		EXPECT_EQ(GH_VM_STATUS_EXITED, run->status.status);
		EXPECT_EQ(abi == GH_BACKEND_ABI_V17 ? want_pf : std::vector<uint64_t>{}, pf);
		// each fault reached the guest's handler once (pc, ESR, FAR, ELR,
		// registers per fault; the count of handler entries last)
		ASSERT_EQ(22u, reports_.size());
		EXPECT_EQ(0x97c28010u, reports_[1]); // ldr x2: EC 0x25, ISV, SAS 3, SRT 2, SF
		EXPECT_EQ(0x100u, reports_[2]);
		EXPECT_EQ(0x86000010u, reports_[11]); // blr: instruction abort, EC 0x21
		EXPECT_EQ(0x200u, reports_[12]);
		EXPECT_EQ(4u, reports_.back());
		TearDown();
		munmap(guarded, kGuarded);
		vcpus_.clear();
		ram_ = nullptr;
		reports_.clear();
	}
	Open(); // for the fixture's TearDown
}

TEST_F(SimBackend, TimerWakeUpThroughTheGlue)
{
	Open();
	Load("timer");
	struct gh_backend_vcpu *c = AddVcpu(0);
	struct gh_vcpu_run *run;

	ASSERT_EQ(0, gh_backend_vm_start(vm_));
	ASSERT_EQ(0, Loop(c, &run));
	EXPECT_EQ(GH_VM_STATUS_EXITED, run->status.status);
	EXPECT_EQ((std::vector<uint64_t>{ 3, 62500000 }), reports_);
}

TEST_F(SimBackend, EightVcpusCpuOnBarrier)
{
	const int n = 8;

	Open(n);
	Load("smp");
	SetX(1, n);
	for (int i = 0; i < n; i++)
		AddVcpu(i);
	ASSERT_EQ(0, gh_backend_vm_start(vm_));
	std::vector<std::thread> t;
	std::vector<int> ret(n, -1);
	for (int i = 0; i < n; i++)
		t.emplace_back([&, i] { ret[i] = Loop(vcpus_[i]); });
	for (auto &x : t)
		x.join();
	for (int i = 0; i < n; i++) {
		EXPECT_EQ(0, ret[i]) << i;
		EXPECT_EQ(GH_VM_EXIT_STATUS, gh_backend_vcpu_run_page(vcpus_[i])->exit_reason);
	}
	EXPECT_EQ((std::vector<uint64_t>{ (uint64_t)-2, (uint64_t)-4, (uint64_t)-2, 1000ULL * n,
	                                  (uint64_t)n }),
	          reports_);
}

TEST_F(SimBackend, IrqfdRaisesDoorbellSpis)
{
	Open();
	Load("spi");
	struct gh_backend_vcpu *c = AddVcpu(0);
	struct gh_vcpu_run *run = gh_backend_vcpu_run_page(c);
	int efd[2];

	for (int i = 0; i < 2; i++) {
		efd[i] = eventfd(0, EFD_CLOEXEC);
		ASSERT_GE(efd[i], 0);
		struct gh_vm_function fn = {};
		strcpy(fn.name, "irqfd");
		fn.irqfd.fd = (uint32_t)efd[i];
		fn.irqfd.label = 8 + i; // doorbell label L raises SPI 32 + L
		ASSERT_EQ(0, gh_backend_vm_add_function(vm_, &fn, nullptr));
	}
	ASSERT_EQ(0, gh_backend_vm_start(vm_));
	bool fired = false;
	for (;;) {
		ASSERT_EQ(0, gh_backend_vcpu_run(c));
		if (run->exit_reason == GH_VM_EXIT_STATUS)
			break;
		ASSERT_EQ(GH_VM_EXIT_MMIO, run->exit_reason);
		uint64_t v = 0;
		memcpy(&v, run->mmio.data, run->mmio.len);
		if (run->mmio.phys_addr == kReportAddr)
			reports_.push_back(v);
		run->mmio.resume_action = GH_VM_RESUME_HANDLED;
		if (!fired && reports_.size() == 1) {
			// the guest is ready: signal both eventfds (from the VMM)
			for (int i = 0; i < 2; i++)
				ASSERT_EQ(0, eventfd_write(efd[i], 1));
			fired = true;
		}
	}
	EXPECT_EQ(GH_VM_STATUS_EXITED, run->status.status);
	EXPECT_EQ((std::vector<uint64_t>{ 1, 40, 41 }), reports_);
	for (int i = 0; i < 2; i++)
		close(efd[i]);
}

TEST_F(SimBackend, KickInterruptsASpinningGuest)
{
	Open();
	Load("spin");
	struct gh_backend_vcpu *c = AddVcpu(0);
	struct gh_vcpu_run *run = gh_backend_vcpu_run_page(c);

	ASSERT_EQ(0, gh_backend_vm_start(vm_));
	for (int round = 0; round < 3; round++) {
		std::atomic<int> ret{ 1 };
		std::thread t([&] { ret = gh_backend_vcpu_run(c); });
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
		EXPECT_EQ(1, ret.load()); // still inside RUN
		auto t0 = std::chrono::steady_clock::now();
		gh_backend_vcpu_kick(c);
		t.join();
		EXPECT_EQ(-EINTR, ret.load());
		EXPECT_LT(std::chrono::steady_clock::now() - t0,
		          std::chrono::seconds(2)); // not stuck
		// immediate_exit stays set until the VMM clears it
		EXPECT_EQ(-EINTR, gh_backend_vcpu_run(c));
		run->immediate_exit = 0;
	}
}

// Soak defect: a kick before the first RUN made that RUN start the VM with a
// signal pending, the RM calls of the start returned -EINTR and the VM was
// LOAD_FAILED for good. Now the RUN is -EINTR and the next one starts it.
TEST_F(SimBackend, KickBeforeFirstRunKeepsTheVmStartable)
{
	Open();
	Load("mmio_forms");
	struct gh_backend_vcpu *c = AddVcpu(0);
	struct gh_vcpu_run *run = gh_backend_vcpu_run_page(c);

	gh_backend_vcpu_kick(c);
	EXPECT_EQ(-EINTR, gh_backend_vcpu_run(c));
	run->immediate_exit = 0;
	ASSERT_EQ(0, Loop(c));
	EXPECT_EQ(GH_VM_STATUS_EXITED, run->status.status);
	EXPECT_EQ(std::vector<uint64_t>{ 0x600d }, reports_);
}

TEST_F(SimBackend, ErrnoLikeTheKernel)
{
	struct gh_backend *other = nullptr;

	Open();
	EXPECT_EQ(-EBUSY, gh_backend_open_sim(nullptr, &other));
	struct gh_vm_function fn = VcpuFn(0);
	strcpy(fn.name, "nope");
	EXPECT_EQ(-ENOENT, gh_backend_vm_add_function(vm_, &fn, nullptr));
	struct gh_userspace_memory_region r = {};
	r.memory_size = 4096;
	r.userspace_addr = 123; // not page aligned
	EXPECT_EQ(-EINVAL, gh_backend_vm_set_user_mem_region(vm_, &r));
	struct gh_vm_boot_context bc = {};
	bc.reg = 0xffff0000;
	EXPECT_EQ(-EINVAL, gh_backend_vm_set_boot_context(vm_, &bc));
	struct gh_backend_vcpu *c = AddVcpu(0);
	struct gh_vm_function dup = VcpuFn(0);
	struct gh_backend_vcpu *c2 = nullptr;
	EXPECT_EQ(-EEXIST, gh_backend_vm_add_function(vm_, &dup, &c2));
	EXPECT_EQ(-EINVAL, gh_backend_vm_add_function(vm_, &dup, nullptr));
	// Starting without memory: the RM refuses; the start error sticks.
	EXPECT_NE(0, gh_backend_vm_start(vm_));
	EXPECT_EQ(0, gh_backend_vcpu_run(c));
	EXPECT_EQ(GH_VM_EXIT_STATUS, gh_backend_vcpu_run_page(c)->exit_reason);
	EXPECT_EQ(GH_VM_STATUS_LOAD_FAILED, gh_backend_vcpu_run_page(c)->status.status);
	EXPECT_EQ(-EBADF, gh_backend_vcpu_run(nullptr));
	EXPECT_EQ(-EBADF, gh_backend_vm_start(nullptr));
}

// Raw ioctls by number: what the cores' dispatcher says, as the kernel would.
TEST_F(SimBackend, RawIoctlsByNumber)
{
	struct gh_backend_vcpu *c = nullptr;

	Open();
	EXPECT_EQ(-ENOTTY, gh_backend_vm_ioctl(vm_, 0x4799, nullptr, nullptr));
	EXPECT_EQ(-EBADF, gh_backend_vm_ioctl(nullptr, GH_VM_START, nullptr, &c));
	EXPECT_EQ(nullptr, c);
	// v17's descriptor ADD of vCPU 3 hands out a vCPU; REMOVE takes it away.
	uint32_t id = 3;
	struct {
		uint32_t type, arg_size;
		uint64_t arg;
	} desc = { 1, sizeof(id), (uintptr_t)&id };
	ASSERT_EQ(0, gh_backend_vm_ioctl(vm_, 0x40104704, &desc, &c));
	ASSERT_NE(nullptr, c);
	EXPECT_EQ((long)sysconf(_SC_PAGESIZE), gh_backend_vcpu_ioctl(c, GH_VCPU_MMAP_SIZE, 0));
	EXPECT_EQ(-ENOTTY, gh_backend_vcpu_ioctl(c, 0x4799, 0));
	EXPECT_EQ(-EBADF, gh_backend_vcpu_ioctl(nullptr, GH_VCPU_MMAP_SIZE, 0));
	EXPECT_EQ(0, gh_backend_vm_ioctl(vm_, 0x40104707, &desc, nullptr));
	EXPECT_EQ(-ENOENT, gh_backend_vm_ioctl(vm_, 0x40104707, &desc, nullptr));
	gh_backend_vcpu_release(c);
}

TEST(DevBackend, AbsentDeviceIsAnErrno)
{
	struct gh_backend *b = nullptr;

	EXPECT_EQ(-ENOENT, gh_backend_open_dev("/nonexistent/gunyah", &b));
	if (gh_backend_open_dev(nullptr, &b) != 0)
		GTEST_SKIP() << "no /dev/gunyah here";
	struct gh_backend_vm *vm = nullptr;
	EXPECT_EQ(0, gh_backend_create_vm(b, &vm));
	gh_backend_vm_release(vm);
	gh_backend_close(b);
}

} // namespace
