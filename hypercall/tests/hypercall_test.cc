// SPDX-License-Identifier: BSD-3-Clause
// Register marshalling of every call through a recording backend, the error
// table, hyp_identify decoding and the transport's registration rules.
#include <gtest/gtest.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <vector>

extern "C" {
#include <gunyah/hypercall.h>
}

namespace {

// A fake hypervisor: records every call and answers from a script.
struct Recorder {
	std::vector<gh_hypercall_regs> calls;
	gh_hypercall_regs answer{};

	static void Call(void *ctx, const gh_hypercall_regs *in, gh_hypercall_regs *out)
	{
		auto *self = static_cast<Recorder *>(ctx);
		self->calls.push_back(*in);
		*out = self->answer;
	}
};

class HypercallTest : public ::testing::Test {
protected:
	void SetUp() override
	{
		backend_ = { "recorder", &Recorder::Call, &rec_ };
		ASSERT_EQ(0, gh_hypercall_register_backend(&backend_));
	}
	void TearDown() override { EXPECT_EQ(0, gh_hypercall_unregister_backend(&backend_)); }
	const gh_hypercall_regs &Last() { return rec_.calls.back(); }

	Recorder rec_;
	gh_hypercall_backend backend_{};
};

TEST(HypercallIds, MatchTheAbi)
{
	EXPECT_EQ(0xc6008000u, GH_HYPERCALL_HYP_IDENTIFY);
	EXPECT_EQ(0xc6008012u, GH_HYPERCALL_BELL_SEND);
	EXPECT_EQ(0xc6008015u, GH_HYPERCALL_BELL_SET_MASK);
	EXPECT_EQ(0xc600801bu, GH_HYPERCALL_MSGQ_SEND);
	EXPECT_EQ(0xc600801cu, GH_HYPERCALL_MSGQ_RECV);
	EXPECT_EQ(0xc6008065u, GH_HYPERCALL_VCPU_RUN);
	EXPECT_EQ(0xc6008068u, GH_HYPERCALL_VCPU_RUN_CHECK);
}

TEST(HypercallNoBackend, FailsCleanly)
{
	ASSERT_EQ(nullptr, gh_hypercall_current_backend());
	gh_hypercall_vcpu_run_resp resp = { 7, { 8, 9, 10 } };
	uint64_t resume[3] = { 1, 2, 3 };
	EXPECT_EQ(GH_ERROR_UNIMPLEMENTED, gh_hypercall_vcpu_run(1, resume, &resp));
	EXPECT_EQ(7u, resp.state) << "resp must be untouched on error";
	EXPECT_EQ(-EOPNOTSUPP, gh_remap_error(gh_hypercall_vcpu_run(1, resume, &resp)));
	EXPECT_FALSE(gh_hypercall_is_gunyah());
	EXPECT_FALSE(gh_hypercall_probe(false, nullptr));
	uint64_t old = 5;
	EXPECT_EQ(GH_ERROR_UNIMPLEMENTED, gh_hypercall_bell_send(1, 1, &old));
	EXPECT_EQ(5u, old);
}

TEST(HypercallRegistration, Rules)
{
	Recorder a, b;
	gh_hypercall_backend ba = { "a", &Recorder::Call, &a };
	gh_hypercall_backend bb = { "b", &Recorder::Call, &b };
	gh_hypercall_backend no_call = { "none", nullptr, nullptr };

	EXPECT_EQ(-EINVAL, gh_hypercall_register_backend(nullptr));
	EXPECT_EQ(-EINVAL, gh_hypercall_register_backend(&no_call));
	EXPECT_EQ(-ENOENT, gh_hypercall_unregister_backend(&ba));
	ASSERT_EQ(0, gh_hypercall_register_backend(&ba));
	EXPECT_EQ(-EBUSY, gh_hypercall_register_backend(&bb));
	EXPECT_EQ(-EBUSY, gh_hypercall_register_backend(&ba));
	EXPECT_EQ(&ba, gh_hypercall_current_backend());
	EXPECT_EQ(-ENOENT, gh_hypercall_unregister_backend(&bb));
	EXPECT_EQ(0, gh_hypercall_unregister_backend(&ba));
	EXPECT_EQ(nullptr, gh_hypercall_current_backend());
	EXPECT_EQ(-ENOENT, gh_hypercall_unregister_backend(nullptr));
}

TEST_F(HypercallTest, VcpuRunMarshalling)
{
	rec_.answer.x[0] = GH_ERROR_OK;
	rec_.answer.x[1] = GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE;
	rec_.answer.x[2] = 0x9000000;
	rec_.answer.x[3] = 4;
	rec_.answer.x[4] = 0xdeadbeef;
	rec_.answer.x[5] = 0x5555; // beyond the response: ignored

	uint64_t resume[3] = { 0x11, GH_VMMIO_ACTION_RETRY, 0x33 };
	gh_hypercall_vcpu_run_resp resp{};
	ASSERT_EQ(GH_ERROR_OK, gh_hypercall_vcpu_run(0x1234, resume, &resp));
	const gh_hypercall_regs &in = Last();
	EXPECT_EQ(GH_HYPERCALL_VCPU_RUN, in.x[0]);
	EXPECT_EQ(0x1234u, in.x[1]);
	EXPECT_EQ(0x11u, in.x[2]);
	EXPECT_EQ((uint64_t)GH_VMMIO_ACTION_RETRY, in.x[3]);
	EXPECT_EQ(0x33u, in.x[4]);
	EXPECT_EQ(0u, in.x[5]) << "x5 is reserved and must be 0";
	for (int i = 6; i < GH_HYPERCALL_NR_REGS; i++)
		EXPECT_EQ(0u, in.x[i]) << "x" << i;
	EXPECT_EQ((uint64_t)GH_VCPU_STATE_ADDRSPACE_VMMIO_WRITE, resp.state);
	EXPECT_EQ(0x9000000u, resp.state_data[0]);
	EXPECT_EQ(4u, resp.state_data[1]);
	EXPECT_EQ(0xdeadbeefu, resp.state_data[2]);
}

// The state numbers are the hypervisor's (VMMIO 4/5, FAULT 6) and, for the
// page fault, the Linux driver's (v17 include/linux/gunyah.h: 7); its state
// data (IPA, write) passes through like any other.
TEST_F(HypercallTest, VcpuRunPageFaultState)
{
	static_assert(GH_VCPU_STATE_ADDRSPACE_VMMIO_READ == 4, "hypervisor ABI");
	static_assert(GH_VCPU_STATE_FAULT == 6, "hypervisor ABI");
	static_assert(GH_VCPU_STATE_ADDRSPACE_PAGE_FAULT == 7, "v17's number");
	rec_.answer.x[0] = GH_ERROR_OK;
	rec_.answer.x[1] = GH_VCPU_STATE_ADDRSPACE_PAGE_FAULT;
	rec_.answer.x[2] = 0x80001000;
	rec_.answer.x[3] = 1;
	uint64_t resume[3] = { 0, GH_VMMIO_ACTION_FAULT, 0 };
	gh_hypercall_vcpu_run_resp resp{};
	ASSERT_EQ(GH_ERROR_OK, gh_hypercall_vcpu_run(0x1234, resume, &resp));
	EXPECT_EQ((uint64_t)GH_VMMIO_ACTION_FAULT, Last().x[3]);
	EXPECT_EQ((uint64_t)GH_VCPU_STATE_ADDRSPACE_PAGE_FAULT, resp.state);
	EXPECT_EQ(0x80001000u, resp.state_data[0]);
	EXPECT_EQ(1u, resp.state_data[1]);
}

TEST_F(HypercallTest, VcpuRunErrorLeavesResponse)
{
	rec_.answer.x[0] = (uint64_t)(int64_t)GH_ERROR_RETRY;
	rec_.answer.x[1] = 99;
	uint64_t resume[3] = {};
	gh_hypercall_vcpu_run_resp resp = { 42, { 1, 2, 3 } };
	EXPECT_EQ(GH_ERROR_RETRY, gh_hypercall_vcpu_run(1, resume, &resp));
	EXPECT_EQ(42u, resp.state);
}

TEST_F(HypercallTest, VcpuRunCheckMarshalling)
{
	rec_.answer.x[1] = GH_VCPU_STATE_POWERED_OFF;
	rec_.answer.x[2] = GH_VCPU_POWEROFF_EXITED;
	gh_hypercall_vcpu_run_resp resp{};
	ASSERT_EQ(GH_ERROR_OK, gh_hypercall_vcpu_run_check(77, &resp));
	EXPECT_EQ(GH_HYPERCALL_VCPU_RUN_CHECK, Last().x[0]);
	EXPECT_EQ(77u, Last().x[1]);
	EXPECT_EQ(0u, Last().x[2]);
	EXPECT_EQ((uint64_t)GH_VCPU_STATE_POWERED_OFF, resp.state);
	EXPECT_EQ(GH_VCPU_POWEROFF_EXITED, resp.state_data[0]);
}

TEST_F(HypercallTest, BellMarshalling)
{
	rec_.answer.x[1] = 0xf0;
	uint64_t old = 0;
	ASSERT_EQ(GH_ERROR_OK, gh_hypercall_bell_send(5, 0x1, &old));
	EXPECT_EQ(GH_HYPERCALL_BELL_SEND, Last().x[0]);
	EXPECT_EQ(5u, Last().x[1]);
	EXPECT_EQ(1u, Last().x[2]);
	EXPECT_EQ(0u, Last().x[3]);
	EXPECT_EQ(0xf0u, old);
	EXPECT_EQ(GH_ERROR_OK, gh_hypercall_bell_send(5, 0x1, nullptr));

	ASSERT_EQ(GH_ERROR_OK, gh_hypercall_bell_set_mask(6, 0x3, 0x2));
	EXPECT_EQ(GH_HYPERCALL_BELL_SET_MASK, Last().x[0]);
	EXPECT_EQ(6u, Last().x[1]);
	EXPECT_EQ(3u, Last().x[2]);
	EXPECT_EQ(2u, Last().x[3]);
}

TEST_F(HypercallTest, MsgqMarshalling)
{
	bool ready = false;
	rec_.answer.x[1] = 1;
	ASSERT_EQ(GH_ERROR_OK,
	          gh_hypercall_msgq_send(9, 16, 0x1000, GH_HYPERCALL_MSGQ_TX_FLAGS_PUSH, &ready));
	EXPECT_EQ(GH_HYPERCALL_MSGQ_SEND, Last().x[0]);
	EXPECT_EQ(9u, Last().x[1]);
	EXPECT_EQ(16u, Last().x[2]);
	EXPECT_EQ(0x1000u, Last().x[3]);
	EXPECT_EQ(GH_HYPERCALL_MSGQ_TX_FLAGS_PUSH, Last().x[4]);
	EXPECT_TRUE(ready);

	uint64_t got = 0;
	rec_.answer.x[1] = 12;
	rec_.answer.x[2] = 0;
	ASSERT_EQ(GH_ERROR_OK, gh_hypercall_msgq_recv(9, 0x2000, 240, &got, &ready));
	EXPECT_EQ(GH_HYPERCALL_MSGQ_RECV, Last().x[0]);
	EXPECT_EQ(0x2000u, Last().x[2]);
	EXPECT_EQ(240u, Last().x[3]);
	EXPECT_EQ(12u, got);
	EXPECT_FALSE(ready);

	// A hypervisor claiming more than the buffer holds is bounded.
	rec_.answer.x[1] = 100000;
	ASSERT_EQ(GH_ERROR_OK, gh_hypercall_msgq_recv(9, 0x2000, 240, &got, &ready));
	EXPECT_EQ(240u, got);

	rec_.answer.x[0] = GH_ERROR_MSGQUEUE_EMPTY;
	got = 7;
	EXPECT_EQ(GH_ERROR_MSGQUEUE_EMPTY, gh_hypercall_msgq_recv(9, 0x2000, 240, &got, &ready));
	EXPECT_EQ(7u, got);
}

TEST_F(HypercallTest, HypIdentifyDecoding)
{
	rec_.answer.x[0] = GH_API_V1 | GH_API_INFO_IS_64BIT | (0x48ULL << 56);
	rec_.answer.x[1] = (1ULL << GH_FEATURE_DOORBELL) | (1ULL << GH_FEATURE_VCPU);
	rec_.answer.x[2] = 0xa;
	rec_.answer.x[3] = 0xb;
	gh_hypercall_hyp_identify_resp id{};
	gh_hypercall_hyp_identify(&id);
	EXPECT_EQ(GH_HYPERCALL_HYP_IDENTIFY, Last().x[0]);
	EXPECT_EQ(1, gh_api_version(&id));
	EXPECT_TRUE(gh_api_is_64bit(&id));
	EXPECT_FALSE(gh_api_is_big_endian(&id));
	EXPECT_EQ(0x48, gh_api_variant(&id));
	EXPECT_TRUE(gh_api_has_feature(&id, GH_FEATURE_VCPU));
	EXPECT_TRUE(gh_api_has_feature(&id, GH_FEATURE_DOORBELL));
	EXPECT_FALSE(gh_api_has_feature(&id, GH_FEATURE_MSGQUEUE));
	EXPECT_FALSE(gh_api_has_feature(&id, GH_FEATURE_MEMEXTENT));
	EXPECT_EQ(0xau, id.flags[1]);
	EXPECT_EQ(0xbu, id.flags[2]);
}

// The server-side encoding: every identity reads back through the decoders.
TEST(HypIdentifyAnswer, RoundTrips)
{
	const uint64_t vcpu = 1ULL << GH_FEATURE_VCPU, bell = 1ULL << GH_FEATURE_DOORBELL;
	struct Case {
		const char *what;
		gh_hyp_identity id;
		uint64_t api_info;
	} cases[] = {
		{ "v1 64-bit vcpu+doorbell",
		  { GH_API_V1, true, false, 0, vcpu | bell },
		  GH_API_V1 | GH_API_INFO_IS_64BIT },
		{ "32-bit, no features", { GH_API_V1, false, false, 0, 0 }, GH_API_V1 },
		{ "big-endian with a variant",
		  { 3, true, true, 0x48, bell },
		  3 | GH_API_INFO_IS_64BIT | GH_API_INFO_BIG_ENDIAN | (0x48ULL << 56) },
		{ "version wider than 14 bits is cut",
		  { 0xffff, false, false, 0, 0 },
		  GH_API_INFO_API_VERSION_MASK },
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.what);
		gh_hypercall_hyp_identify_resp r;
		memset(&r, 0xa5, sizeof(r));
		gh_hyp_identify_answer(&c.id, &r);
		EXPECT_EQ(c.api_info, r.api_info);
		EXPECT_EQ(c.id.features, r.flags[0]);
		EXPECT_EQ(0u, r.flags[1]);
		EXPECT_EQ(0u, r.flags[2]);
		EXPECT_EQ(c.id.api_version & GH_API_INFO_API_VERSION_MASK, gh_api_version(&r));
		EXPECT_EQ(c.id.is_64bit, gh_api_is_64bit(&r));
		EXPECT_EQ(c.id.big_endian, gh_api_is_big_endian(&r));
		EXPECT_EQ(c.id.variant, gh_api_variant(&r));
		EXPECT_EQ((c.id.features & vcpu) != 0, gh_api_has_feature(&r, GH_FEATURE_VCPU));
	}
}

// The UID query and hyp_identify answered differently by function id.
struct Identity {
	uint32_t uid[4];
	uint64_t api_info;
	uint64_t flags0;

	static void Call(void *ctx, const gh_hypercall_regs *in, gh_hypercall_regs *out)
	{
		auto *self = static_cast<Identity *>(ctx);
		if (in->x[0] == GH_SMCCC_VENDOR_HYP_CALL_UID) {
			for (int i = 0; i < 4; i++)
				out->x[i] = self->uid[i];
		} else if (in->x[0] == GH_HYPERCALL_HYP_IDENTIFY) {
			out->x[0] = self->api_info;
			out->x[1] = self->flags0;
		} else {
			out->x[0] = (uint64_t)-1;
		}
	}
};

TEST(HypercallProbe, Table)
{
	const uint32_t gunyah[4] = { GH_UID0, GH_UID1, GH_UID2, GH_UID3 };
	const uint64_t v1_64 = GH_API_V1 | GH_API_INFO_IS_64BIT;
	const uint64_t vcpu = 1ULL << GH_FEATURE_VCPU;
	struct Case {
		const char *what;
		uint32_t uid0;
		uint64_t api_info;
		uint64_t flags0;
		bool need_vcpu;
		bool expect;
	} cases[] = {
		{ "gunyah v1 with vcpu", GH_UID0, v1_64, vcpu, true, true },
		{ "gunyah v1 without vcpu, not needed", GH_UID0, v1_64, 0, false, true },
		{ "gunyah v1 without vcpu, needed", GH_UID0, v1_64, 0, true, false },
		{ "other hypervisor's UID", 0x12345678, v1_64, vcpu, true, false },
		{ "api version 2", GH_UID0, 2 | GH_API_INFO_IS_64BIT, vcpu, true, false },
		{ "32-bit api", GH_UID0, GH_API_V1, vcpu, true, false },
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.what);
		Identity idn = { { c.uid0, gunyah[1], gunyah[2], gunyah[3] },
			         c.api_info,
			         c.flags0 };
		gh_hypercall_backend be = { "identity", &Identity::Call, &idn };
		ASSERT_EQ(0, gh_hypercall_register_backend(&be));
		gh_hypercall_hyp_identify_resp id{};
		EXPECT_EQ(c.expect, gh_hypercall_probe(c.need_vcpu, &id));
		EXPECT_EQ(c.uid0 == GH_UID0, gh_hypercall_is_gunyah());
		ASSERT_EQ(0, gh_hypercall_unregister_backend(&be));
	}
}

// A backend's typed vcpu_run replaces the marshalled call for vcpu_run only;
// vcpu_run_check and the rest still go through call().
struct TypedRun {
	static enum gh_error Run(void *ctx, uint64_t capid, const uint64_t resume[3],
	                         gh_hypercall_vcpu_run_resp *resp)
	{
		TypedRun *t = static_cast<TypedRun *>(ctx);
		t->calls++;
		t->capid = capid;
		for (int i = 0; i < 3; i++)
			t->resume[i] = resume[i];
		if (t->err != GH_ERROR_OK)
			return t->err;
		resp->state = 4;
		resp->state_data[0] = 0x9000;
		resp->state_data[1] = 4;
		resp->state_data[2] = 0x77;
		return GH_ERROR_OK;
	}
	static void Call(void *ctx, const gh_hypercall_regs *in, gh_hypercall_regs *out)
	{
		TypedRun *t = static_cast<TypedRun *>(ctx);
		t->raw_calls++;
		t->last_fn = in->x[0];
		out->x[0] = GH_ERROR_OK;
		out->x[1] = 1;
	}
	int calls = 0, raw_calls = 0;
	uint64_t capid = 0, resume[3] = { 9, 9, 9 }, last_fn = 0;
	enum gh_error err = GH_ERROR_OK;
};

TEST(HypercallTypedVcpuRun, UsedForVcpuRunOnly)
{
	TypedRun t;
	gh_hypercall_backend be = { "typed", &TypedRun::Call, &t, &TypedRun::Run };
	ASSERT_EQ(0, gh_hypercall_register_backend(&be));

	uint64_t resume[3] = { 1, 2, 3 };
	gh_hypercall_vcpu_run_resp resp{};
	EXPECT_EQ(GH_ERROR_OK, gh_hypercall_vcpu_run(0x42, resume, &resp));
	EXPECT_EQ(1, t.calls);
	EXPECT_EQ(0, t.raw_calls);
	EXPECT_EQ(0x42u, t.capid);
	EXPECT_EQ(1u, t.resume[0]);
	EXPECT_EQ(2u, t.resume[1]);
	EXPECT_EQ(3u, t.resume[2]);
	EXPECT_EQ(4u, resp.state);
	EXPECT_EQ(0x9000u, resp.state_data[0]);
	EXPECT_EQ(4u, resp.state_data[1]);
	EXPECT_EQ(0x77u, resp.state_data[2]);

	// no resume data: zeros, as the marshalled call would pass
	EXPECT_EQ(GH_ERROR_OK, gh_hypercall_vcpu_run(0x43, nullptr, &resp));
	EXPECT_EQ(0u, t.resume[0]);
	EXPECT_EQ(0u, t.resume[1]);
	EXPECT_EQ(0u, t.resume[2]);

	// errors come back as they are
	t.err = GH_ERROR_BUSY;
	EXPECT_EQ(GH_ERROR_BUSY, gh_hypercall_vcpu_run(0x42, resume, &resp));

	// vcpu_run_check is not vcpu_run
	EXPECT_EQ(GH_ERROR_OK, gh_hypercall_vcpu_run_check(0x42, &resp));
	EXPECT_EQ(1, t.raw_calls);
	EXPECT_EQ(GH_HYPERCALL_VCPU_RUN_CHECK, t.last_fn);
	ASSERT_EQ(0, gh_hypercall_unregister_backend(&be));

	// without the typed op: the marshalled call
	gh_hypercall_backend plain = { "plain", &TypedRun::Call, &t };
	ASSERT_EQ(0, gh_hypercall_register_backend(&plain));
	EXPECT_EQ(GH_ERROR_OK, gh_hypercall_vcpu_run(0x42, resume, &resp));
	EXPECT_EQ(2, t.raw_calls);
	EXPECT_EQ(GH_HYPERCALL_VCPU_RUN, t.last_fn);
	ASSERT_EQ(0, gh_hypercall_unregister_backend(&plain));
}

TEST(HypercallErrors, RemapTable)
{
	struct {
		enum gh_error err;
		int expect;
	} table[] = {
		{ GH_ERROR_OK, 0 },
		{ GH_ERROR_UNIMPLEMENTED, -EOPNOTSUPP },
		{ GH_ERROR_RETRY, -EAGAIN },
		{ GH_ERROR_ARG_INVAL, -EINVAL },
		{ GH_ERROR_ARG_SIZE, -EINVAL },
		{ GH_ERROR_ARG_ALIGN, -EINVAL },
		{ GH_ERROR_NOMEM, -ENOMEM },
		{ GH_ERROR_ADDR_OVFL, -EFAULT },
		{ GH_ERROR_ADDR_UNFL, -EFAULT },
		{ GH_ERROR_ADDR_INVAL, -EFAULT },
		{ GH_ERROR_DENIED, -EACCES },
		{ GH_ERROR_BUSY, -EBUSY },
		{ GH_ERROR_IDLE, -EBUSY },
		{ GH_ERROR_IRQ_BOUND, -EIO },
		{ GH_ERROR_IRQ_UNBOUND, -EIO },
		{ GH_ERROR_CSPACE_CAP_NULL, -EACCES },
		{ GH_ERROR_CSPACE_CAP_REVOKED, -EACCES },
		{ GH_ERROR_CSPACE_WRONG_OBJ_TYPE, -EACCES },
		{ GH_ERROR_CSPACE_INSUF_RIGHTS, -EACCES },
		{ GH_ERROR_CSPACE_FULL, -EBUSY },
		{ GH_ERROR_MSGQUEUE_EMPTY, -EIO },
		{ GH_ERROR_MSGQUEUE_FULL, -EIO },
	};
	for (const auto &t : table) {
		SCOPED_TRACE(gh_error_name(t.err));
		EXPECT_EQ(t.expect, gh_remap_error(t.err));
		EXPECT_STRNE("GH_ERROR_<unknown>", gh_error_name(t.err));
	}
}

TEST(HypercallErrors, UnknownCodesAreNeverSuccess)
{
	const int unknown[] = { 4, 9, 11, 33, 62, 999, -3, -1000, INT_MAX, INT_MIN };
	for (int code : unknown) {
		SCOPED_TRACE(code);
		EXPECT_EQ(-EIO, gh_remap_error(static_cast<enum gh_error>(code)));
		EXPECT_STREQ("GH_ERROR_<unknown>", gh_error_name(static_cast<enum gh_error>(code)));
	}
}

TEST_F(HypercallTest, OutOfRangeErrorRegisterIsUnknown)
{
	rec_.answer.x[0] = 0x100000000ULL; // does not fit an int: must not read as OK
	gh_hypercall_vcpu_run_resp resp{};
	uint64_t resume[3] = {};
	enum gh_error err = gh_hypercall_vcpu_run(1, resume, &resp);
	EXPECT_NE(GH_ERROR_OK, err);
	EXPECT_EQ(-EIO, gh_remap_error(err));
}

} // namespace
