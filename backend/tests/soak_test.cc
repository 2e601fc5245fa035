// SPDX-License-Identifier: BSD-3-Clause
// The soak (tagged manual): the in-process backend under load for minutes.
//
//  1. CreateDestroyLoop: SOAK_THREADS threads (4) each create and destroy
//     SOAK_ITERS VMs (default 5000, 2-5 minutes) with 1-4 vCPUs running
//     the mmio_count guest
//     (every vCPU writes 1, 2, 3, ... to its own MMIO address), with kicks and
//     immediate_exit at random, and tear them down in one of several orders
//     while RUN is in progress on the vCPU threads.
//  2. MillionExits: one VM writes 1 .. SOAK_EXITS (10^6) to one MMIO address
//     while another thread kicks it at random times; the VMM must see every
//     value exactly once and in order, every -EINTR followed by a RUN that
//     continues the sequence.
//     VMs are started with GH_VM_START on the thread that creates them
//     (SOAK_IMPLICIT_START=1: or by the first RUN, where a kick can land
//     inside the start's RM calls).
//  3. Memory stays flat: the glue's live objects are back to their baseline
//     after each phase, and RSS after the loop is within SOAK_RSS_SLACK_KB
//     (16384) of RSS after a warm-up (not enforced under a sanitizer, whose
//     allocator keeps freed memory in quarantine).
//
// SOAK_SEED (default 1) seeds every random choice; it is printed. Thread
// interleavings are not reproducible, the choices are.
#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

extern "C" {
#include <gunyah/backend.h>
#include <gunyah/os_posix_fault.h>
}

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SOAK_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SOAK_SANITIZER 1
#endif
#endif
#ifndef SOAK_SANITIZER
#define SOAK_SANITIZER 0
#endif

namespace {

constexpr uint64_t kRamBase = 0x40000000;
constexpr uint64_t kRamSize = 2 << 20;
constexpr uint64_t kEchoBase = 0x09000000;
constexpr uint64_t kReportAddr = 0x0a000000;
constexpr uint32_t kMaxVcpus = 4;

uint64_t EnvU64(const char *name, uint64_t def)
{
	const char *s = getenv(name);

	return s && *s ? strtoull(s, nullptr, 0) : def;
}

long RssKb()
{
	long pages = 0, resident = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

std::vector<uint8_t> Guest()
{
	static std::vector<uint8_t> img = [] {
		std::ifstream f("sim/tests/guests/mmio_count.bin", std::ios::binary);
		return std::vector<uint8_t>(std::istreambuf_iterator<char>(f),
		                            std::istreambuf_iterator<char>());
	}();
	return img;
}

bool operator==(const gh_os_posix_live_counts &a, const gh_os_posix_live_counts &b)
{
	return a.allocs == b.allocs && a.irqs == b.irqs && a.eventfds == b.eventfds &&
	       a.watches == b.watches;
}

std::string Str(const gh_os_posix_live_counts &c)
{
	char buf[128];

	snprintf(buf, sizeof(buf), "allocs %ld irqs %ld eventfds %ld watches %ld", c.allocs, c.irqs,
	         c.eventfds, c.watches);
	return buf;
}

gh_os_posix_live_counts Live()
{
	gh_os_posix_live_counts c;

	gh_os_posix_live(&c);
	return c;
}

// What the whole run did, printed at the end.
struct Figures {
	std::atomic<uint64_t> vms{ 0 }, vcpus{ 0 }, exits{ 0 }, kicks{ 0 }, eintrs{ 0 },
		immediate{ 0 }, enodev{ 0 }, status{ 0 };
	long rss_warm = 0, rss_after = 0;
	gh_os_posix_live_counts live_before = {}, live_after = {};
	std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now();
};
Figures fig;
uint64_t seed;

class FiguresPrinter : public ::testing::Environment {
public:
	void SetUp() override
	{
		seed = EnvU64("SOAK_SEED", 1);
		printf("soak: SOAK_SEED=%" PRIu64 "\n", seed);
		fig.live_before = Live();
	}
	void TearDown() override
	{
		double secs =
			std::chrono::duration<double>(std::chrono::steady_clock::now() - fig.t0)
				.count();

		fig.live_after = Live();
		printf("soak: seed %" PRIu64 "\n"
		       "soak: VMs created %" PRIu64 ", vCPUs %" PRIu64 "\n"
		       "soak: MMIO exits %" PRIu64 ", kicks %" PRIu64 ", EINTRs %" PRIu64
		       " (of which immediate_exit set by the vCPU thread %" PRIu64 ")\n"
		       "soak: RUNs ended by -ENODEV %" PRIu64 ", by a STATUS exit %" PRIu64 "\n"
		       "soak: RSS after warm-up %ld kB, after the loop %ld kB (%+ld kB)\n"
		       "soak: live before %s; after %s\n"
		       "soak: wall time %.1f s\n",
		       seed, fig.vms.load(), fig.vcpus.load(), fig.exits.load(), fig.kicks.load(),
		       fig.eintrs.load(), fig.immediate.load(), fig.enodev.load(),
		       fig.status.load(), fig.rss_warm, fig.rss_after, fig.rss_after - fig.rss_warm,
		       Str(fig.live_before).c_str(), Str(fig.live_after).c_str(), secs);
		fflush(stdout);
	}
};
const auto *env = ::testing::AddGlobalTestEnvironment(new FiguresPrinter);

// One VM with its RAM, the mmio_count guest, and @n vCPUs.
struct SoakVm {
	struct gh_backend_vm *vm = nullptr;
	uint8_t *ram = nullptr;
	std::vector<struct gh_backend_vcpu *> vcpus;
	bool vm_released = false;
	std::vector<bool> removed;

	// x1: the last value of CPU 0 (0: for ever); x2: the vCPUs.
	void Create(struct gh_backend *be, uint32_t n, uint64_t limit)
	{
		std::vector<uint8_t> img = Guest();

		ASSERT_FALSE(img.empty());
		ASSERT_EQ(0, gh_backend_create_vm(be, &vm));
		fig.vms++;
		ram = static_cast<uint8_t *>(mmap(nullptr, kRamSize, PROT_READ | PROT_WRITE,
		                                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
		ASSERT_NE(MAP_FAILED, (void *)ram);
		memcpy(ram, img.data(), img.size());
		struct gh_userspace_memory_region r = {};
		r.flags = GH_MEM_ALLOW_RWX;
		r.guest_phys_addr = kRamBase;
		r.memory_size = kRamSize;
		r.userspace_addr = (uint64_t)(uintptr_t)ram;
		ASSERT_EQ(0, gh_backend_vm_set_user_mem_region(vm, &r));
		SetX(1, limit);
		SetX(2, n);
		for (uint32_t i = 0; i < n; i++) {
			struct gh_vm_function fn = VcpuFn(i);
			struct gh_backend_vcpu *c = nullptr;

			ASSERT_EQ(0, gh_backend_vm_add_function(vm, &fn, &c));
			vcpus.push_back(c);
			fig.vcpus++;
		}
		removed.assign(n, false);
	}

	static struct gh_vm_function VcpuFn(uint32_t id)
	{
		struct gh_vm_function fn;

		memset(&fn, 0, sizeof(fn));
		strcpy(fn.name, "vcpu");
		fn.vcpu.vcpu_id = id;
		return fn;
	}

	void SetX(uint32_t x, uint64_t v)
	{
		struct gh_vm_boot_context bc = {};

		bc.reg = GH_VM_BOOT_CONTEXT_REG(GH_VM_BOOT_CONTEXT_REG_SET_X, x);
		bc.value = v;
		ASSERT_EQ(0, gh_backend_vm_set_boot_context(vm, &bc));
	}

	void Remove(uint32_t i)
	{
		struct gh_vm_function fn = VcpuFn(i);

		EXPECT_EQ(0, gh_backend_vm_remove_function(vm, &fn)) << "vCPU " << i;
		removed[i] = true;
	}

	void ReleaseVm()
	{
		if (!vm_released)
			gh_backend_vm_release(vm);
		vm_released = true;
	}

	void ReleaseVcpu(uint32_t i)
	{
		if (vcpus[i])
			gh_backend_vcpu_release(vcpus[i]);
		vcpus[i] = nullptr;
	}

	~SoakVm()
	{
		for (uint32_t i = 0; i < vcpus.size(); i++)
			ReleaseVcpu(i);
		if (vm)
			ReleaseVm();
		if (ram)
			munmap(ram, kRamSize);
	}
};

// A vCPU thread of the create/destroy loop: RUN until told to stop (seen at
// an -EINTR), -ENODEV (its function removed) or a STATUS exit. Every MMIO
// write must continue its address's sequence; sometimes the thread sets
// immediate_exit itself before RUN.
struct Runner {
	struct gh_backend_vcpu *c;
	uint32_t index;
	std::atomic<bool> *stop;
	uint64_t seed;
	std::string error;
	uint64_t last = 0;

	void operator()()
	{
		std::mt19937_64 rng(seed);
		struct gh_vcpu_run *run = gh_backend_vcpu_run_page(c);
		uint64_t mine = kEchoBase + 8 * index;

		for (;;) {
			bool self_exit = rng() % 64 == 0;

			if (self_exit)
				__atomic_store_n(&run->immediate_exit, 1, __ATOMIC_SEQ_CST);
			int ret = gh_backend_vcpu_run(c);
			if (ret == -EINTR) {
				fig.eintrs++;
				fig.immediate += self_exit;
				if (stop->load())
					return;
				__atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
				// a kick between the two loads is in immediate_exit again
				if (stop->load())
					return;
				continue;
			}
			if (ret == -ENODEV) { // a removed function wins over immediate_exit
				fig.enodev++;
				return;
			}
			if (ret || self_exit) {
				error = std::string("RUN") +
				        (self_exit ? " with immediate_exit" : "") + ": " +
				        std::to_string(ret);
				return;
			}
			if (run->exit_reason == GH_VM_EXIT_STATUS) {
				fig.status++;
				return;
			}
			if (run->exit_reason != GH_VM_EXIT_MMIO || !run->mmio.is_write ||
			    run->mmio.phys_addr != mine || run->mmio.len != 8) {
				error = "unexpected exit " + std::to_string(run->exit_reason) +
				        " at " + std::to_string(run->mmio.phys_addr);
				return;
			}
			uint64_t v;
			memcpy(&v, run->mmio.data, 8);
			if (v != last + 1) {
				error = "vCPU " + std::to_string(index) + " wrote " +
				        std::to_string(v) + " after " + std::to_string(last);
				return;
			}
			last = v;
			fig.exits++;
			run->mmio.resume_action = GH_VM_RESUME_HANDLED;
		}
	}
};

class Soak : public ::testing::Test {
protected:
	void SetUp() override
	{
		struct gh_backend_sim_config cfg = { kMaxVcpus, 0, false };

		ASSERT_EQ(0, gh_backend_open_sim(&cfg, &be_));
	}

	void TearDown() override
	{
		if (be_)
			gh_backend_close(be_);
		EXPECT_TRUE(Live() == fig.live_before)
			<< "after close: " << Str(Live()) << " vs " << Str(fig.live_before);
	}

	// One VM's life on the calling thread, with its vCPU threads.
	void OneVm(std::mt19937_64 &rng)
	{
		uint32_t n = 1 + rng() % kMaxVcpus;
		SoakVm v;
		std::atomic<bool> stop{ false };
		std::vector<Runner> runners;
		std::vector<std::thread> threads;
		std::vector<bool> joined(n, false);

		v.Create(be_, n, 0);
		if (HasFatalFailure())
			return;
		// GH_VM_START from this thread, which is never kicked; with
		// SOAK_IMPLICIT_START=1 sometimes the first RUN starts it, and a
		// kick may land inside that start (README.md: an open defect).
		if (!implicit_start_ || rng() % 2)
			ASSERT_EQ(0, gh_backend_vm_start(v.vm));
		for (uint32_t i = 0; i < n; i++)
			runners.push_back(Runner{ v.vcpus[i], i, &stop, rng() });
		for (uint32_t i = 0; i < n; i++)
			threads.emplace_back(std::ref(runners[i]));

		// random kicks while it runs
		int kicks = rng() % 6;
		for (int k = 0; k < kicks; k++) {
			std::this_thread::sleep_for(std::chrono::microseconds(rng() % 1000));
			gh_backend_vcpu_kick(v.vcpus[rng() % n]);
			fig.kicks++;
		}
		std::this_thread::sleep_for(std::chrono::microseconds(rng() % 2000));

		auto join = [&](uint32_t i) {
			threads[i].join();
			joined[i] = true;
			EXPECT_EQ("", runners[i].error) << "vCPU " << i << " of " << n;
		};
		auto kick_all = [&] {
			for (uint32_t i = 0; i < n; i++) {
				gh_backend_vcpu_kick(v.vcpus[i]);
				fig.kicks++;
			}
		};
		std::vector<uint32_t> order(n);
		for (uint32_t i = 0; i < n; i++)
			order[i] = i;
		std::shuffle(order.begin(), order.end(), rng);

		stop = true;
		switch (rng() % 5) {
		case 0: // kick all, join, vCPUs then the VM
			kick_all();
			for (uint32_t i : order)
				join(i);
			for (uint32_t i : order)
				v.ReleaseVcpu(i);
			v.ReleaseVm();
			break;
		case 1: // the VM's handle first, while they run
			v.ReleaseVm();
			std::this_thread::sleep_for(std::chrono::microseconds(rng() % 500));
			kick_all();
			for (uint32_t i : order) {
				join(i);
				v.ReleaseVcpu(i);
			}
			break;
		case 2: // REMOVE_FUNCTION under RUN, then the VM, then the vCPUs
			for (uint32_t i : order)
				v.Remove(i);
			v.ReleaseVm();
			for (uint32_t i : order)
				join(i);
			for (uint32_t i = 0; i < n; i++)
				v.ReleaseVcpu(i);
			break;
		case 3: // one at a time: kick, join, release, while the others run
			for (uint32_t i : order) {
				gh_backend_vcpu_kick(v.vcpus[i]);
				fig.kicks++;
				join(i);
				v.ReleaseVcpu(i);
				if (i == order[0] && rng() % 2)
					v.ReleaseVm();
			}
			v.ReleaseVm();
			break;
		default: // some removed, the rest kicked, the VM released in between
			for (uint32_t i : order) {
				if (rng() % 2) {
					v.Remove(i);
				} else {
					gh_backend_vcpu_kick(v.vcpus[i]);
					fig.kicks++;
				}
			}
			v.ReleaseVm();
			for (uint32_t i : order)
				join(i);
			break;
		}
		for (uint32_t i = 0; i < n; i++)
			if (!joined[i])
				join(i);
	}

	void Loop(unsigned int threads, uint64_t iters, uint64_t salt)
	{
		std::vector<std::thread> t;
		std::atomic<bool> failed{ false };

		for (unsigned int k = 0; k < threads; k++)
			t.emplace_back([&, k] {
				std::mt19937_64 rng(seed * 1000003 + salt * 101 + k);

				for (uint64_t i = 0; i < iters && !failed; i++) {
					OneVm(rng);
					if (HasFailure())
						failed = true;
				}
			});
		for (auto &x : t)
			x.join();
	}

	struct gh_backend *be_ = nullptr;
	bool implicit_start_ = EnvU64("SOAK_IMPLICIT_START", 1) != 0;
};

TEST_F(Soak, CreateDestroyLoop)
{
	unsigned int threads = (unsigned int)EnvU64("SOAK_THREADS", 4);
	uint64_t iters = EnvU64("SOAK_ITERS", 5000);
	uint64_t warm = iters / 10 ? iters / 10 : 1;
	long slack = (long)EnvU64("SOAK_RSS_SLACK_KB", 16384);

	printf("soak: %u threads x %" PRIu64 " VMs (+%" PRIu64 " warm-up)\n", threads, iters, warm);
	Loop(threads, warm, 0);
	ASSERT_FALSE(HasFailure());
	gh_os_posix_live_counts base = Live();
	fig.rss_warm = RssKb();
	printf("soak: after warm-up: RSS %ld kB, live %s\n", fig.rss_warm, Str(base).c_str());

	Loop(threads, iters, 1);
	fig.rss_after = RssKb();
	gh_os_posix_live_counts after = Live();
	printf("soak: after the loop: RSS %ld kB (%+ld kB), live %s\n", fig.rss_after,
	       fig.rss_after - fig.rss_warm, Str(after).c_str());
	EXPECT_TRUE(after == base) << Str(after) << " vs " << Str(base);
	if (!SOAK_SANITIZER)
		EXPECT_LE(fig.rss_after - fig.rss_warm, slack)
			<< "RSS grew by more than SOAK_RSS_SLACK_KB";
}

TEST_F(Soak, MillionExits)
{
	const uint64_t exits = EnvU64("SOAK_EXITS", 1000000);
	std::mt19937_64 rng(seed * 7919 + 3);
	gh_os_posix_live_counts base = Live();
	uint64_t eintrs = 0, kicks = 0, immediate = 0;
	std::atomic<bool> done{ false };

	{
		SoakVm v;

		v.Create(be_, 1, exits);
		ASSERT_FALSE(HasFatalFailure());
		struct gh_backend_vcpu *c = v.vcpus[0];
		struct gh_vcpu_run *run = gh_backend_vcpu_run_page(c);
		uint64_t kseed = rng();

		ASSERT_EQ(0, gh_backend_vm_start(v.vm));

		std::thread kicker([&] {
			std::mt19937_64 krng(kseed);

			while (!done.load()) {
				// spin a random while (0-200 us), sometimes yield
				auto until = std::chrono::steady_clock::now() +
				             std::chrono::microseconds(krng() % 200);
				while (std::chrono::steady_clock::now() < until && !done.load())
					if (krng() % 4 == 0)
						std::this_thread::yield();
				gh_backend_vcpu_kick(c);
				kicks++;
			}
		});

		uint64_t expect = 1;
		bool after_eintr = false;
		for (;;) {
			bool self_exit = rng() % 256 == 0;

			if (self_exit)
				__atomic_store_n(&run->immediate_exit, 1, __ATOMIC_SEQ_CST);
			int ret = gh_backend_vcpu_run(c);
			if (ret == -EINTR) {
				eintrs++;
				immediate += self_exit;
				after_eintr = true;
				__atomic_store_n(&run->immediate_exit, 0, __ATOMIC_SEQ_CST);
				continue;
			}
			ASSERT_FALSE(self_exit) << "RUN with immediate_exit returned " << ret;
			ASSERT_EQ(0, ret) << "after " << expect - 1;
			if (run->exit_reason == GH_VM_EXIT_STATUS)
				break;
			ASSERT_EQ(GH_VM_EXIT_MMIO, run->exit_reason);
			ASSERT_TRUE(run->mmio.is_write);
			ASSERT_EQ(8u, run->mmio.len);
			uint64_t val;
			memcpy(&val, run->mmio.data, 8);
			if (run->mmio.phys_addr == kReportAddr) {
				ASSERT_EQ(exits, val) << "the guest's last value";
			} else {
				ASSERT_EQ(kEchoBase, run->mmio.phys_addr);
				ASSERT_EQ(expect, val) << (after_eintr ? "right after an -EINTR" :
				                                         "lost or duplicated");
				expect++;
			}
			after_eintr = false;
			run->mmio.resume_action = GH_VM_RESUME_HANDLED;
		}
		done = true;
		kicker.join();
		EXPECT_EQ(exits + 1, expect) << "every value seen";
		EXPECT_EQ(GH_VM_STATUS_EXITED, run->status.status);
		EXPECT_EQ(GH_VM_EXIT_TYPE_PSCI_POWER_OFF, run->status.exit_info.type);
		fig.exits += expect - 1;
		fig.kicks += kicks;
		fig.eintrs += eintrs;
		fig.immediate += immediate;
		fig.status++;
		printf("soak: %" PRIu64 " exits in order, %" PRIu64 " kicks, %" PRIu64
		       " EINTRs (%" PRIu64 " by immediate_exit from the vCPU thread)\n",
		       expect - 1, kicks, eintrs, immediate);
		EXPECT_GT(eintrs, 0u) << "no kick ever landed";
	}
	EXPECT_TRUE(Live() == base) << Str(Live()) << " vs " << Str(base);
}

} // namespace
