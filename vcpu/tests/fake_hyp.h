// SPDX-License-Identifier: BSD-3-Clause
// A scripted fake hypervisor registered as the hypercall backend, and a
// fixture that builds a started VM with one vCPU on it.
#ifndef GUNYAH_VCPU_TESTS_FAKE_HYP_H
#define GUNYAH_VCPU_TESTS_FAKE_HYP_H

#include <gunyah/os_posix.h>
#include <gunyah/vcpu.h>
#include <gunyah/vm_mgr.h>

#include <gtest/gtest.h>

#include <deque>
#include <functional>
#include <mutex>
#include <vector>

#include "vm_mgr/tests/fake_rm.h"

struct HypStep {
	int64_t err = GH_ERROR_OK;
	uint64_t state = GH_VCPU_STATE_READY;
	uint64_t data[3] = { 0, 0, 0 };
	std::function<void()> action; // runs inside the call, on the caller's thread
};

HypStep Step(uint64_t state, uint64_t d0 = 0, uint64_t d1 = 0, uint64_t d2 = 0);
HypStep ErrStep(int64_t err);
HypStep MmioRead(uint64_t addr, uint64_t len);
HypStep MmioWrite(uint64_t addr, uint64_t len, uint64_t value);
HypStep PageFault(uint64_t addr, bool is_write = false);

struct HypCall {
	uint64_t capid;
	uint64_t resume[3];
	uint64_t x5;
};

class FakeHyp {
public:
	FakeHyp();
	~FakeHyp();
	void Push(HypStep s);
	void Push(std::initializer_list<HypStep> steps);
	std::vector<HypCall> Calls();
	size_t NumCalls();
	size_t Pending();
	// Used when the script is empty; default: GH_ERROR_DENIED.
	void SetFallback(std::function<HypStep()> fn);

private:
	static void Call(void *ctx, const gh_hypercall_regs *in, gh_hypercall_regs *out);
	std::mutex mu_;
	std::deque<HypStep> script_;
	std::vector<HypCall> calls_;
	std::function<HypStep()> fallback_;
	gh_hypercall_backend be_{};
};

// A VM with vCPU 0 (capid kCapid, wake-up IRQ kIrq), not yet started.
class VcpuFixture : public ::testing::Test {
protected:
	static constexpr uint64_t kCapid = 0x4242;
	static constexpr uint32_t kIrq = 77;

	void SetUp() override;
	void TearDown() override;
	// Adds "vcpu" @id as @abi's ADD_FUNCTION would; returns the handle (or
	// nullptr and *err).
	gh_vcpu *AddVcpu(uint32_t id, int *err = nullptr, gh_vm_fn_abi abi = GH_VM_FN_ABI_SEED);
	int RemoveVcpu(uint32_t id);
	struct gh_vcpu_run *Page(gh_vcpu *v)
	{
		return static_cast<struct gh_vcpu_run *>(gh_vcpu_map_page(v, 0));
	}
	void ReleaseVm()
	{
		gh_vm_put(vm_);
		vm_ = nullptr;
	}
	void ReleaseVcpu()
	{
		gh_vcpu_handle_release(vcpu_);
		vcpu_ = nullptr;
	}

	FakeHyp hyp_;
	FakeRm rm_;
	gh_vm *vm_ = nullptr;
	gh_vcpu *vcpu_ = nullptr;
	struct gh_vcpu_run *run_ = nullptr;
	long allocs_ = 0;
};

#endif
