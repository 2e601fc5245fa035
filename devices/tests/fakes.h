/* SPDX-License-Identifier: BSD-3-Clause */
/* Fakes shared by the device tests: a byte sink, a counting IRQ line, a
 * settable clock. */
#ifndef GH_DEVICES_TESTS_FAKES_H
#define GH_DEVICES_TESTS_FAKES_H

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

extern "C" {
#include <gunyah/devices/types.h>
}

namespace ghtest {

struct ByteSink {
	std::mutex mu;
	std::vector<uint8_t> bytes;
	std::atomic<int> rx_ready{ 0 };

	std::vector<uint8_t> take()
	{
		std::lock_guard<std::mutex> g(mu);
		std::vector<uint8_t> out;
		out.swap(bytes);
		return out;
	}
	static void write(void *ctx, const uint8_t *buf, size_t len)
	{
		auto *s = static_cast<ByteSink *>(ctx);
		std::lock_guard<std::mutex> g(s->mu);
		s->bytes.insert(s->bytes.end(), buf, buf + len);
	}
	static void ready(void *ctx) { static_cast<ByteSink *>(ctx)->rx_ready++; }
	static const struct gh_chardev_ops ops;
};
inline const struct gh_chardev_ops ByteSink::ops = { ByteSink::write, ByteSink::ready };

struct IrqLine {
	std::atomic<bool> level{ false };
	std::atomic<int> raises{ 0 };
	std::atomic<int> lowers{ 0 };
	static void set(void *ctx, bool lvl)
	{
		auto *l = static_cast<IrqLine *>(ctx);
		if (lvl == l->level.load())
			abort(); // the models only report changes
		l->level = lvl;
		(lvl ? l->raises : l->lowers)++;
	}
	static const struct gh_irq_ops ops;
};
inline const struct gh_irq_ops IrqLine::ops = { IrqLine::set };

struct FakeClock {
	std::atomic<uint64_t> ns{ 0 };
	static uint64_t now(void *ctx) { return static_cast<FakeClock *>(ctx)->ns.load(); }
	static const struct gh_clock_ops ops;
};
inline const struct gh_clock_ops FakeClock::ops = { FakeClock::now };

} // namespace ghtest

#endif
