// SPDX-License-Identifier: BSD-3-Clause
// A fake resource manager: records every call, fails a chosen one, hands out
// a configurable set of resources.
#ifndef GUNYAH_VM_MGR_TESTS_FAKE_RM_H
#define GUNYAH_VM_MGR_TESTS_FAKE_RM_H

#include <gunyah/vm_mgr.h>
#include <sys/mman.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

// Host memory for test regions: a 64 GiB PROT_NONE reservation, mapped (so
// gh_os_mem_pin() takes it) at no memory cost. Offsets wrap at its size.
inline uint64_t FakeGuestMemory(uint64_t offset)
{
	constexpr uint64_t kSize = 64ULL << 30;
	static void *base =
		mmap(nullptr, kSize, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	return (uint64_t)(uintptr_t)base + offset % kSize;
}

struct FakeRm {
	std::mutex mu;
	std::vector<std::string> calls;
	std::string fail_op; // the op that fails
	int fail_err = -EIO;
	int fail_left = -1;                    // how many times fail_op fails (-1: always)
	std::vector<gh_vm_resource> resources; // handed out by get_resources
	std::atomic<int> inits{ 0 };
	std::atomic<int> starts{ 0 };
	std::atomic<int> stops{ 0 };
	int start_delay_ms = 0;
	uint16_t next_vmid = 1;
	std::set<uint16_t> live;
	gh_vm_image_layout layout{}; // as config_image last saw it
	gh_vm_rm_ops ops;

	FakeRm()
	{
		ops.alloc_vmid = [](void *c, gh_vm *, uint16_t *vmid) {
			auto *rm = static_cast<FakeRm *>(c);
			int r = rm->call("alloc_vmid");
			if (!r) {
				std::lock_guard<std::mutex> g(rm->mu);
				*vmid = rm->next_vmid++;
				rm->live.insert(*vmid);
			}
			return r;
		};
		ops.dealloc_vmid = [](void *c, uint16_t vmid) {
			auto *rm = static_cast<FakeRm *>(c);
			rm->call("dealloc_vmid");
			std::lock_guard<std::mutex> g(rm->mu);
			rm->live.erase(vmid);
		};
		ops.mem_share = [](void *c, uint16_t, const gh_vm_mem_parcel *p, uint32_t *handle) {
			*handle = 100 + p->region->label;
			return static_cast<FakeRm *>(c)->call(
				(p->lend ? "mem_lend:" : "mem_share:") +
				std::to_string(p->region->label));
		};
		ops.mem_reclaim = [](void *c, uint16_t, uint32_t handle) {
			return static_cast<FakeRm *>(c)->call("mem_reclaim:" +
			                                      std::to_string(handle));
		};
		ops.config_image = [](void *c, uint16_t, const gh_vm_image_layout *l) {
			auto *rm = static_cast<FakeRm *>(c);
			{
				std::lock_guard<std::mutex> g(rm->mu);
				rm->layout = *l;
			}
			return rm->call("config_image");
		};
		ops.set_boot_context = [](void *c, uint16_t, const gh_vm_boot_context *bc) {
			return static_cast<FakeRm *>(c)->call("set_boot_context:" +
			                                      std::to_string(bc->reg));
		};
		ops.vm_init = [](void *c, uint16_t) {
			auto *rm = static_cast<FakeRm *>(c);
			rm->inits++;
			return rm->call("vm_init");
		};
		ops.get_resources = [](void *c, uint16_t, gh_vm_resource *out, size_t max,
		                       size_t *n) {
			auto *rm = static_cast<FakeRm *>(c);
			int r = rm->call("get_resources");
			if (r)
				return r;
			std::lock_guard<std::mutex> g(rm->mu);
			*n = 0;
			for (const auto &res : rm->resources) {
				if (*n < max)
					out[(*n)++] = res;
			}
			return 0;
		};
		ops.vm_start = [](void *c, uint16_t) {
			auto *rm = static_cast<FakeRm *>(c);
			rm->starts++;
			if (rm->start_delay_ms)
				std::this_thread::sleep_for(
					std::chrono::milliseconds(rm->start_delay_ms));
			return rm->call("vm_start");
		};
		ops.vm_stop = [](void *c, uint16_t) {
			auto *rm = static_cast<FakeRm *>(c);
			rm->stops++;
			return rm->call("vm_stop");
		};
		ops.vm_reset = [](void *c, uint16_t) {
			return static_cast<FakeRm *>(c)->call("vm_reset");
		};
	}

	int call(const std::string &name)
	{
		std::lock_guard<std::mutex> g(mu);
		calls.push_back(name);
		if (name != fail_op || !fail_left)
			return 0;
		if (fail_left > 0)
			fail_left--;
		return fail_err;
	}

	std::vector<std::string> Calls()
	{
		std::lock_guard<std::mutex> g(mu);
		return calls;
	}

	void AddVcpuResource(uint32_t vcpu_id, uint64_t capid, uint32_t irq)
	{
		gh_vm_resource r{};
		r.type = GH_RESOURCE_TYPE_VCPU;
		r.label = vcpu_id;
		r.capid = capid;
		r.irq = irq;
		std::lock_guard<std::mutex> g(mu);
		resources.push_back(r);
	}

	void AddBellResource(uint32_t label, uint64_t capid)
	{
		gh_vm_resource r{};
		r.type = GH_RESOURCE_TYPE_BELL_TX;
		r.label = label;
		r.capid = capid;
		std::lock_guard<std::mutex> g(mu);
		resources.push_back(r);
	}
};

#endif
