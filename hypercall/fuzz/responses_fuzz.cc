// SPDX-License-Identifier: BSD-3-Clause
// Feeds arbitrary hypervisor answers (x0..x17) to every typed call. The
// hypervisor is not trusted: whatever it returns, a non-OK x0 never maps to
// 0, outputs are written only on success, and msgq_recv never reports more
// than the buffer holds.
#include <cstdint>
#include <cstdlib>
#include <cstring>

extern "C" {
#include <gunyah/hypercall.h>
}

namespace {

gh_hypercall_regs answer;

void Answer(void *, const gh_hypercall_regs *, gh_hypercall_regs *out)
{
	*out = answer;
}

gh_hypercall_backend backend = { "fuzz", Answer, nullptr };

void Check(bool ok)
{
	if (!ok)
		abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!gh_hypercall_current_backend())
		gh_hypercall_register_backend(&backend);

	memset(&answer, 0, sizeof(answer));
	memcpy(&answer, data, size < sizeof(answer) ? size : sizeof(answer));
	uint64_t size_arg = size > sizeof(answer) ? data[sizeof(answer)] : 240;

	enum gh_error err;
	gh_hypercall_vcpu_run_resp resp = { 0xaa, { 0xbb, 0xcc, 0xdd } };
	uint64_t resume[3] = { 1, 2, 3 };
	err = gh_hypercall_vcpu_run(1, resume, &resp);
	Check((err == GH_ERROR_OK) == (gh_remap_error(err) == 0));
	if (err != GH_ERROR_OK)
		Check(resp.state == 0xaa && resp.state_data[2] == 0xdd);
	else
		Check(resp.state == answer.x[1]);

	uint64_t got = 0x77;
	bool ready = false;
	err = gh_hypercall_msgq_recv(1, 0x1000, size_arg, &got, &ready);
	Check((err == GH_ERROR_OK) == (gh_remap_error(err) == 0));
	Check(err == GH_ERROR_OK ? got <= size_arg : got == 0x77);

	uint64_t old = 0x55;
	err = gh_hypercall_bell_send(1, 1, &old);
	Check(err == GH_ERROR_OK || old == 0x55);

	gh_hypercall_hyp_identify_resp id;
	gh_hypercall_hyp_identify(&id);
	Check(gh_api_version(&id) <= GH_API_INFO_API_VERSION_MASK);
	(void)gh_hypercall_probe(true, nullptr);
	(void)gh_error_name(err);
	return 0;
}
