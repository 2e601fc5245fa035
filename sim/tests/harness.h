// SPDX-License-Identifier: BSD-3-Clause
// A VM on the simulator for tests: guest RAM with a guest image loaded, the
// simulator registered as the hypercall backend, per-vCPU wake-up events and
// an MMIO echo device, driven through gh_hypercall_vcpu_run().
#ifndef SIM_TESTS_HARNESS_H
#define SIM_TESTS_HARNESS_H

#include <dlfcn.h>
#include <sys/mman.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

extern "C" {
#include <gunyah/hypercall.h>
#include <gunyah/sim.h>
}

namespace simtest {

// The experimental mode without the block hook (GH_SIM_NO_BLOCK_HOOK=1 with
// a Unicorn that has uc_emu_stop_at_block; sim/README.md), as the
// simulator decides it.
inline bool NoBlockHook()
{
	return getenv("GH_SIM_NO_BLOCK_HOOK") && dlsym(RTLD_DEFAULT, "uc_emu_stop_at_block");
}

constexpr uint64_t kRamBase = 0x40000000;
constexpr uint64_t kRamSize = 2 << 20;
constexpr uint64_t kEchoBase = 0x09000000;
constexpr uint64_t kReportAddr = 0x0a000000;
constexpr uint64_t kResults = 0x40100000;
constexpr uint64_t kEchoPattern = 0xf0e1d2c3b4a59687ULL;

inline std::vector<uint8_t> LoadGuest(const std::string &name)
{
	std::ifstream f("sim/tests/guests/" + name + ".bin", std::ios::binary);
	return std::vector<uint8_t>(std::istreambuf_iterator<char>(f),
	                            std::istreambuf_iterator<char>());
}

struct Access {
	uint64_t addr;
	uint64_t size;
	bool is_write;
	uint64_t value;
};

inline uint64_t Mask(uint64_t v, uint64_t size)
{
	return size >= 8 ? v : v & ((1ULL << (8 * size)) - 1);
}

class Vm {
public:
	struct Options {
		int nvcpus = 1;
		std::map<uint32_t, uint64_t> boot_x;
		bool rom = false; // a read-only region at 0x0
		// the region at 0x0's GH_SIM_MEM_* flags (with rom)
		uint32_t rom_flags = GH_SIM_MEM_READ | GH_SIM_MEM_EXEC;
	};

	Vm(const std::string &guest, const Options &opt) : opt_(opt)
	{
		std::vector<uint8_t> img = LoadGuest(guest);

		EXPECT_FALSE(img.empty()) << guest;
		ram_ = static_cast<uint8_t *>(mmap(nullptr, kRamSize, PROT_READ | PROT_WRITE,
		                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
		memcpy(ram_, img.data(), img.size());
		struct gh_sim_host_ops ops = {};
		ops.wakeup_irq = &Vm::WakeupIrq;
		ops.vm_exited = &Vm::Exited;
		ops.ctx = this;
		EXPECT_EQ(0, gh_sim_create(&ops, &sim_));
		EXPECT_EQ(0, gh_sim_register(sim_));
		EXPECT_EQ(0, gh_sim_vm_create(sim_, &vm_));
		EXPECT_EQ(0, gh_sim_vm_add_region(vm_, 0, kRamBase, kRamSize, ram_,
		                                  GH_SIM_MEM_READ | GH_SIM_MEM_WRITE |
		                                          GH_SIM_MEM_EXEC));
		if (opt.rom) {
			rom_ = static_cast<uint8_t *>(mmap(nullptr, 65536, PROT_READ | PROT_WRITE,
			                                   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
			uint32_t w = 0x1234;
			memcpy(rom_ + 0x100, &w, 4);
			uint64_t q = 0x1111222233334444ULL;
			memcpy(rom_ + 0x108, &q, 8);
			EXPECT_EQ(0, gh_sim_vm_add_region(vm_, 1, 0, 65536, rom_, opt.rom_flags));
		}
		for (auto &kv : opt.boot_x)
			EXPECT_EQ(0, gh_sim_vm_set_boot_reg(vm_, GH_SIM_REG_SET_X, kv.first,
			                                    kv.second));
		EXPECT_EQ(0, gh_sim_vm_set_boot_reg(vm_, GH_SIM_REG_SET_PC, 0, kRamBase));
		for (int i = 0; i < opt.nvcpus; i++) {
			EXPECT_EQ(0, gh_sim_vm_add_vcpu(vm_, i, &capid_[i], &irq_[i]));
		}
	}

	~Vm()
	{
		gh_sim_destroy(sim_);
		munmap(ram_, kRamSize);
		if (rom_)
			munmap(rom_, 65536);
	}

	int Start() { return gh_sim_vm_start(vm_); }

	// One vcpu_run with the resume data for the previous exit.
	enum gh_error Run(int i, struct gh_hypercall_vcpu_run_resp *resp, uint64_t value = 0,
	                  uint64_t action = GH_VMMIO_ACTION_EMULATE)
	{
		uint64_t resume[3] = { value, action, 0 };

		return gh_hypercall_vcpu_run(capid_[i], resume, resp);
	}

	// Run(), repeated while the vCPU only reports READY (its time slice
	// ended, which a slow sanitizer build makes likely).
	enum gh_error RunSkipReady(int i, struct gh_hypercall_vcpu_run_resp *resp,
	                           uint64_t value = 0, uint64_t action = GH_VMMIO_ACTION_EMULATE)
	{
		enum gh_error e = Run(i, resp, value, action);

		while (e == GH_ERROR_OK && resp->state == GH_VCPU_STATE_READY)
			e = Run(i, resp);
		return e;
	}

	// Runs every vCPU until the VM exits, vCPU 0 on this thread and each
	// other on one of its own; their last states.
	std::vector<uint64_t> RunAllToExit()
	{
		std::vector<uint64_t> last(opt_.nvcpus);
		std::vector<std::thread> threads;

		for (int i = 1; i < opt_.nvcpus; i++)
			threads.emplace_back([this, &last, i] { last[i] = RunToExit(i); });
		last[0] = RunToExit(0);
		for (auto &t : threads)
			t.join();
		return last;
	}

	// Runs vCPU @i until the VM exits (or @deadline), acting as the host:
	// echo device, reports, wake-ups. Returns the last state.
	uint64_t RunToExit(int i, std::chrono::milliseconds deadline = std::chrono::seconds(20),
	                   const bool *immediate_exit = nullptr)
	{
		auto end = std::chrono::steady_clock::now() + deadline;
		struct gh_hypercall_vcpu_run_resp r = {};
		uint64_t value = 0, action = GH_VMMIO_ACTION_EMULATE;

		while (std::chrono::steady_clock::now() < end) {
			if (immediate_exit && __atomic_load_n(immediate_exit, __ATOMIC_ACQUIRE))
				return ~0ULL;
			enum gh_error e = Run(i, &r, value, action);
			if (e != GH_ERROR_OK) {
				ADD_FAILURE() << "vcpu_run error " << e;
				return ~0ULL;
			}
			value = 0;
			action = GH_VMMIO_ACTION_EMULATE;
			switch (r.state) {
			case GH_VCPU_STATE_READY:
				ready_[i]++;
				break;
			case GH_VCPU_STATE_EXPECTS_WAKEUP:
				WaitWake(i, end);
				break;
			case GH_VCPU_STATE_POWERED_OFF:
				if (r.state_data[0] & GH_VCPU_POWEROFF_EXITED)
					return r.state;
				WaitWake(i, end);
				break;
			case GH_VCPU_STATE_ADDRSPACE_VMMIO_READ:
			case GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE:
				if (fault_if && fault_if(r.state_data[0])) {
					std::lock_guard<std::mutex> g(mu_);
					bool w = r.state == GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE;
					faulted_.push_back({ r.state_data[0], r.state_data[1], w,
					                     w ? r.state_data[2] : 0 });
					action = GH_VMMIO_ACTION_FAULT;
					break;
				}
				value = Mmio(r);
				break;
			case GH_VCPU_STATE_FAULT:
				fault_[i]++;
				break;
			case GH_VCPU_STATE_ADDRSPACE_PAGE_FAULT: {
				std::lock_guard<std::mutex> g(mu_);
				page_faults_.push_back(
					{ r.state_data[0], 0, r.state_data[1] != 0, 0 });
				action = page_fault_action ? page_fault_action(r.state_data[0]) :
				                             GH_VMMIO_ACTION_FAULT;
				break;
			}
			default:
				return r.state;
			}
		}
		ADD_FAILURE() << "vCPU " << i << " did not finish in time";
		return ~0ULL;
	}

	uint64_t Mmio(const struct gh_hypercall_vcpu_run_resp &r)
	{
		bool is_write = r.state == GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE;
		std::lock_guard<std::mutex> g(mu_);

		if (is_write && r.state_data[0] == kReportAddr) {
			reports_.push_back(r.state_data[2]);
			return 0;
		}
		log_.push_back({ r.state_data[0], r.state_data[1], is_write,
		                 is_write ? r.state_data[2] : 0 });
		return is_write ? 0 : Mask(kEchoPattern, r.state_data[1]);
	}

	void WaitWake(int i, std::chrono::steady_clock::time_point end)
	{
		std::unique_lock<std::mutex> g(mu_);

		cv_.wait_until(g, end, [&] { return wakes_[i] > 0; });
		if (wakes_[i] > 0)
			wakes_[i]--;
	}

	static void WakeupIrq(void *ctx, uint32_t irq)
	{
		Vm *self = static_cast<Vm *>(ctx);
		std::lock_guard<std::mutex> g(self->mu_);

		for (int i = 0; i < GH_SIM_MAX_VCPUS; i++)
			if (self->irq_[i] == irq && self->capid_[i])
				self->wakes_[i]++;
		self->cv_.notify_all();
	}

	static void Exited(void *ctx, uint16_t vmid, uint16_t type, bool crashed,
	                   const uint8_t *reason, uint32_t reason_size, const char *description)
	{
		Vm *self = static_cast<Vm *>(ctx);
		std::lock_guard<std::mutex> g(self->mu_);

		(void)vmid;
		self->exits_++;
		self->exit_type_ = type;
		self->crashed_ = crashed;
		self->reason_.assign(reason, reason + reason_size);
		self->description_ = description;
	}

	std::vector<uint64_t> Reports()
	{
		std::lock_guard<std::mutex> g(mu_);
		return reports_;
	}

	std::vector<Access> Log()
	{
		std::lock_guard<std::mutex> g(mu_);
		return log_;
	}

	uint64_t Result(unsigned int i) const
	{
		uint64_t v;

		memcpy(&v, ram_ + (kResults - kRamBase) + 8 * i, 8);
		return v;
	}

	std::string Reason()
	{
		char buf[200];

		gh_sim_vm_exit_status(vm_, nullptr, nullptr, buf, sizeof(buf));
		return buf;
	}

	Options opt_;
	struct gh_sim *sim_ = nullptr;
	struct gh_sim_vm *vm_ = nullptr;
	uint8_t *ram_ = nullptr;
	uint8_t *rom_ = nullptr;
	uint64_t capid_[GH_SIM_MAX_VCPUS] = {};
	uint32_t irq_[GH_SIM_MAX_VCPUS] = {};
	uint64_t ready_[GH_SIM_MAX_VCPUS] = {};
	uint64_t fault_[GH_SIM_MAX_VCPUS] = {};
	std::mutex mu_;
	std::condition_variable cv_;
	int wakes_[GH_SIM_MAX_VCPUS] = {};
	std::vector<uint64_t> reports_;
	std::vector<Access> log_;
	// MMIO addresses RunToExit answers with FAULT, and those accesses
	std::function<bool(uint64_t)> fault_if;
	// The answer to a PAGE_FAULT at an address (default FAULT), and every
	// PAGE_FAULT seen (addr, is_write).
	std::function<uint64_t(uint64_t)> page_fault_action;
	std::vector<Access> page_faults_;
	std::vector<Access> faulted_;
	int exits_ = 0;
	uint16_t exit_type_ = 0xffff;
	bool crashed_ = false;
	std::vector<uint8_t> reason_;
	std::string description_; // vm_exited's description
};

} // namespace simtest

#endif // SIM_TESTS_HARNESS_H
