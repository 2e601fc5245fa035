// SPDX-License-Identifier: BSD-3-Clause
// The fail_nth walk over an ioctl-level sequence (used here and by vcpu/):
// injection from <gunyah/os_posix_fault.h>, N = 1, 2, 3, ... until a run of
// the sequence meets no injected failure.
#ifndef GUNYAH_VM_MGR_TESTS_FAIL_NTH_H
#define GUNYAH_VM_MGR_TESTS_FAIL_NTH_H

#include <gunyah/os_posix.h>
#include <gunyah/os_posix_fault.h>

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

// One run of a sequence: named steps, run in order until one returns an
// error, then the teardown (always). The steps share state through the
// closures; make a fresh Sequence for every run.
struct FailNthSequence {
	std::vector<std::pair<std::string, std::function<int()>>> steps;
	std::function<void()> teardown;

	void Step(std::string name, std::function<int()> fn)
	{
		steps.emplace_back(std::move(name), std::move(fn));
	}
};

struct FailNthRun {
	int ret = 0;      // the first failing step's error, 0 when all passed
	std::string step; // its name
	gh_os_posix_fault_report report{};
};

// What the walk saw: the number of injection points the sequence has (the N
// that ran clean, minus 1) and, per class, how many of them there were.
struct FailNthSummary {
	unsigned long points = 0;
	unsigned long alloc = 0, irq = 0, eventfd = 0;
};

// The injected error of the IRQ and EVENTFD classes in every walk: not one
// that the glue or the cores produce by themselves on these paths.
constexpr int kFailNthErr = -EADDRNOTAVAIL;

inline bool FailNthLiveEq(const gh_os_posix_live_counts &a, const gh_os_posix_live_counts &b)
{
	return a.allocs == b.allocs && a.irqs == b.irqs && a.eventfds == b.eventfds &&
	       a.watches == b.watches;
}

inline std::string FailNthLiveStr(const gh_os_posix_live_counts &l)
{
	return "allocs " + std::to_string(l.allocs) + ", irqs " + std::to_string(l.irqs) +
	       ", eventfds " + std::to_string(l.eventfds) + ", watches " +
	       std::to_string(l.watches);
}

// Runs one fresh sequence; injection (if armed) is disarmed before teardown,
// so that teardown's own calls are neither counted nor failed.
inline FailNthRun FailNthRunOnce(const std::function<FailNthSequence()> &make, bool armed,
                                 unsigned long nth, unsigned int classes)
{
	FailNthRun r;
	FailNthSequence seq = make();

	if (armed)
		EXPECT_EQ(gh_os_posix_fault_arm(classes, nth, kFailNthErr), 0);
	for (auto &s : seq.steps) {
		r.ret = s.second();
		if (r.ret) {
			r.step = s.first;
			break;
		}
	}
	gh_os_posix_fault_disarm(&r.report);
	if (seq.teardown)
		seq.teardown();
	return r;
}

// The error a failure of class @cls must surface as, by default: allocation
// failures are -ENOMEM, IRQ and eventfd failures the injected error.
inline int FailNthDefaultExpect(unsigned int cls, const std::string &)
{
	return cls == GH_OS_FAULT_ALLOC ? -ENOMEM : kFailNthErr;
}

/*
 * The walk. At every N: the run that met the injected failure returns
 * @expect(its class, the failing step) (default: -ENOMEM / kFailNthErr), the
 * glue's live counters are back to their baseline after teardown, and the
 * same sequence then runs clean with injection disarmed. @check runs after
 * every teardown (e.g. the fake RM's vmids all freed). Stops at the first N
 * without an injected failure; that run must have passed.
 */
inline FailNthSummary FailNthWalk(
	const std::function<FailNthSequence()> &make, unsigned int classes = GH_OS_FAULT_ALL,
	const std::function<int(unsigned int, const std::string &)> &expect = FailNthDefaultExpect,
	const std::function<void(const std::string &)> &check = nullptr)
{
	constexpr unsigned long kMaxPoints = 2000;
	FailNthSummary sum;
	gh_os_posix_live_counts base, now;

	gh_os_posix_warn_quiet(true);
	// A clean run first: it also warms up whatever the glue creates once
	// (the eventfd watcher thread), so the baseline is taken after it.
	FailNthRun clean = FailNthRunOnce(make, false, 0, 0);
	EXPECT_EQ(clean.ret, 0) << "disarmed, step " << clean.step;
	if (check)
		check("the clean run");
	gh_os_posix_live(&base);

	for (unsigned long n = 1; n <= kMaxPoints; n++) {
		std::string at = "N=" + std::to_string(n);
		FailNthRun r = FailNthRunOnce(make, true, n, classes);

		gh_os_posix_live(&now);
		EXPECT_TRUE(FailNthLiveEq(now, base))
			<< at << " (failed step " << r.step << "): leaked: " << FailNthLiveStr(now)
			<< " vs " << FailNthLiveStr(base);
		if (check)
			check(at);
		if (!r.report.fired_class) {
			EXPECT_EQ(r.ret, 0) << at << ": no injection but step " << r.step;
			EXPECT_EQ(r.report.calls, n - 1) << at;
			sum.points = n - 1;
			return sum;
		}
		at += " (a " +
		      std::string(r.report.fired_class == GH_OS_FAULT_ALLOC ? "alloc" :
		                  r.report.fired_class == GH_OS_FAULT_IRQ   ? "irq" :
		                                                              "eventfd") +
		      " call failed)";
		switch (r.report.fired_class) {
		case GH_OS_FAULT_ALLOC:
			sum.alloc++;
			break;
		case GH_OS_FAULT_IRQ:
			sum.irq++;
			break;
		default:
			sum.eventfd++;
			break;
		}
		EXPECT_EQ(r.ret, expect(r.report.fired_class, r.step))
			<< at << ": failing step '" << r.step << "'";

		// The same sequence, disarmed: it must work again.
		FailNthRun again = FailNthRunOnce(make, false, 0, 0);
		EXPECT_EQ(again.ret, 0) << at << ", then disarmed: step " << again.step;
		gh_os_posix_live(&now);
		EXPECT_TRUE(FailNthLiveEq(now, base))
			<< at << ", then disarmed: leaked: " << FailNthLiveStr(now);
		if (check)
			check(at + ", then disarmed");
		if (::testing::Test::HasFailure())
			return sum; // one defect at a time: the first N is the useful one
	}
	ADD_FAILURE() << "more than " << kMaxPoints << " injection points";
	return sum;
}

#endif
