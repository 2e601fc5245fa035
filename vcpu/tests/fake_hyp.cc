// SPDX-License-Identifier: BSD-3-Clause
#include "vcpu/tests/fake_hyp.h"

#include <cstring>

HypStep Step(uint64_t state, uint64_t d0, uint64_t d1, uint64_t d2)
{
	HypStep s;
	s.state = state;
	s.data[0] = d0;
	s.data[1] = d1;
	s.data[2] = d2;
	return s;
}

HypStep ErrStep(int64_t err)
{
	HypStep s;
	s.err = err;
	return s;
}

HypStep MmioRead(uint64_t addr, uint64_t len)
{
	return Step(GH_VCPU_STATE_ADDRSPACE_VMMIO_READ, addr, len);
}

HypStep MmioWrite(uint64_t addr, uint64_t len, uint64_t value)
{
	return Step(GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE, addr, len, value);
}

HypStep PageFault(uint64_t addr, bool is_write)
{
	return Step(GH_VCPU_STATE_ADDRSPACE_PAGE_FAULT, addr, is_write ? 1 : 0);
}

FakeHyp::FakeHyp()
{
	be_.name = "fake-hyp";
	be_.ctx = this;
	be_.call = Call;
	EXPECT_EQ(gh_hypercall_register_backend(&be_), 0);
}

FakeHyp::~FakeHyp()
{
	gh_hypercall_unregister_backend(&be_);
}

void FakeHyp::Push(HypStep s)
{
	std::lock_guard<std::mutex> g(mu_);
	script_.push_back(std::move(s));
}

void FakeHyp::Push(std::initializer_list<HypStep> steps)
{
	for (const auto &s : steps)
		Push(s);
}

std::vector<HypCall> FakeHyp::Calls()
{
	std::lock_guard<std::mutex> g(mu_);
	return calls_;
}

size_t FakeHyp::NumCalls()
{
	std::lock_guard<std::mutex> g(mu_);
	return calls_.size();
}

size_t FakeHyp::Pending()
{
	std::lock_guard<std::mutex> g(mu_);
	return script_.size();
}

void FakeHyp::SetFallback(std::function<HypStep()> fn)
{
	std::lock_guard<std::mutex> g(mu_);
	fallback_ = std::move(fn);
}

void FakeHyp::Call(void *ctx, const gh_hypercall_regs *in, gh_hypercall_regs *out)
{
	auto *self = static_cast<FakeHyp *>(ctx);
	HypStep step;

	memset(out, 0, sizeof(*out));
	if (in->x[0] != GH_HYPERCALL_VCPU_RUN) {
		out->x[0] = (uint64_t)(int64_t)GH_ERROR_OK; // doorbells etc.
		return;
	}
	{
		std::lock_guard<std::mutex> g(self->mu_);
		self->calls_.push_back({ in->x[1], { in->x[2], in->x[3], in->x[4] }, in->x[5] });
		if (!self->script_.empty()) {
			step = std::move(self->script_.front());
			self->script_.pop_front();
		} else if (self->fallback_) {
			step = self->fallback_();
		} else {
			step = ErrStep(GH_ERROR_DENIED);
		}
	}
	if (step.action)
		step.action();
	out->x[0] = (uint64_t)step.err;
	out->x[1] = step.state;
	out->x[2] = step.data[0];
	out->x[3] = step.data[1];
	out->x[4] = step.data[2];
}

void VcpuFixture::SetUp()
{
	gh_os_posix_warn_quiet(true);
	allocs_ = gh_os_posix_live_allocs();
	ASSERT_EQ(gh_vcpu_register_function(), 0);
	rm_.AddVcpuResource(0, kCapid, kIrq);
	ASSERT_EQ(gh_vm_mgr_create(&rm_.ops, &rm_, &vm_), 0);
	vcpu_ = AddVcpu(0);
	ASSERT_NE(vcpu_, nullptr);
	run_ = Page(vcpu_);
	ASSERT_NE(run_, nullptr);
}

void VcpuFixture::TearDown()
{
	if (vcpu_)
		gh_vcpu_handle_release(vcpu_);
	if (vm_)
		gh_vm_put(vm_);
	gh_os_posix_clear_kick();
	EXPECT_TRUE(rm_.live.empty()) << "VM not released";
	EXPECT_EQ(gh_os_posix_live_allocs(), allocs_) << "leaked glue objects";
}

gh_vcpu *VcpuFixture::AddVcpu(uint32_t id, int *err, gh_vm_fn_abi abi)
{
	gh_vm_function f;
	memset(&f, 0, sizeof(f));
	strcpy(f.name, "vcpu");
	f.vcpu.vcpu_id = id;
	gh_vm_function_handle *h = nullptr;
	int r = gh_vm_mgr_add_function_abi(vm_, &f, abi, &h);
	if (err)
		*err = r;
	return r ? nullptr : gh_vcpu_from_handle(h);
}

int VcpuFixture::RemoveVcpu(uint32_t id)
{
	gh_vm_function f;
	memset(&f, 0, sizeof(f));
	strcpy(f.name, "vcpu");
	f.vcpu.vcpu_id = id;
	return gh_vm_mgr_remove_function(vm_, &f);
}
