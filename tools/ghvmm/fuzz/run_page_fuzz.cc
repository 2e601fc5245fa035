// SPDX-License-Identifier: BSD-3-Clause
// The run page as ghvmm reads it, its bytes arbitrary (a hostile or buggy
// kernel writes them): each exit is decoded, judged and answered as a vCPU
// thread does (src/vcpu.c): MMIO served from a bus holding the machine's
// PL011 and PL031 at their addresses, the answer written back with
// ghvmm_exit_complete_mmio(). No read outside the page, no access of a
// length the verdict did not allow, nothing written into the page but the
// MMIO answer, and a verdict consistent with the exit.
//
// Input: records { u8 ret_and_flags, then sizeof(struct gh_vcpu_run) page
// bytes (zero-filled past the input) }. ret_and_flags: bits 0-2 pick RUN's
// return value (mostly 0), bit 3 says ghvmm is already stopping.
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>

extern "C" {
#include <gunyah/devices/bus.h>
#include <gunyah/devices/pl011.h>
#include <gunyah/devices/pl031.h>

#include "exit_verdict.h"
#include "machine.h"
}

namespace {

void Check(bool ok)
{
	if (!ok)
		abort();
}

void Sink(void *, const uint8_t *, size_t)
{
}

uint64_t Now(void *ctx)
{
	return (*static_cast<uint64_t *>(ctx))++;
}

const gh_chardev_ops kChr = { Sink, nullptr };
const gh_clock_ops kClock = { Now };

const int kRets[] = { 0, 0, 0, 0, -EINTR, -EIO, -EFAULT, -ENOMEM };

// A bus access (what gh_bus_* got) recorded by a wrapper around the bus.
struct Access {
	bool done;
	bool write;
	uint64_t addr;
	uint32_t len;
};

void CheckVerdict(const ghvmm_vcpu_exit &e, const ghvmm_verdict &v, int ret, bool stopping)
{
	switch (v.action) {
	case GHVMM_ACTION_RUN:
		// A kick, or v17's page fault (the kernel's FAULT answer stands).
		Check((e.kind == GHVMM_EXIT_KIND_INTERRUPTED && ret == -EINTR) ||
		      (e.kind == GHVMM_EXIT_KIND_PAGE_FAULT && ret == 0));
		break;
	case GHVMM_ACTION_MMIO:
		Check(e.kind == GHVMM_EXIT_KIND_MMIO && e.mmio.len >= 1 && e.mmio.len <= 8);
		break;
	case GHVMM_ACTION_MMIO_FAULT:
		Check(e.kind == GHVMM_EXIT_KIND_MMIO && (e.mmio.len < 1 || e.mmio.len > 8));
		break;
	case GHVMM_ACTION_STOP:
		Check(e.kind == GHVMM_EXIT_KIND_RUN_FAILED || e.kind == GHVMM_EXIT_KIND_STATUS ||
		      e.kind == GHVMM_EXIT_KIND_UNKNOWN);
		// Only the guest's own power-off, or the end ghvmm asked for, is
		// a clean exit; an unknown anything is never one.
		if (v.code == GHVMM_EXIT_POWEROFF || v.code == GHVMM_EXIT_QUIT)
			Check(e.kind == GHVMM_EXIT_KIND_STATUS &&
			      e.status.status == GH_VM_STATUS_EXITED);
		if (v.code == GHVMM_EXIT_QUIT)
			Check(stopping);
		if (e.kind != GHVMM_EXIT_KIND_STATUS)
			Check(v.code == GHVMM_EXIT_INTERNAL);
		break;
	default:
		Check(false);
	}
	if (e.kind == GHVMM_EXIT_KIND_MMIO) {
		if (!e.mmio.is_write || e.mmio.len < 1 || e.mmio.len > 8)
			Check(e.mmio.value == 0);
		else if (e.mmio.len < 8)
			Check(!(e.mmio.value >> (8 * e.mmio.len)));
	}
}

} // namespace

struct Machine {
	uint64_t clock_ns = 0;
	gh_bus *bus = nullptr;
	gh_pl011 *uart = nullptr;
	gh_pl031 *rtc = nullptr;

	Machine()
	{
		gh_pl011_config ucfg = {};
		gh_pl031_config rcfg = {};

		ucfg.chr = &kChr;
		rcfg.clock = &kClock;
		rcfg.clock_ctx = &clock_ns;
		Check(!gh_bus_create(&bus) && !gh_pl011_create(&ucfg, &uart) &&
		      !gh_pl031_create(&rcfg, &rtc));
		Check(!gh_bus_register(bus, GHVMM_UART_BASE, GHVMM_UART_SIZE, &gh_pl011_mmio_ops,
		                       uart));
		Check(!gh_bus_register(bus, GHVMM_RTC_BASE, GHVMM_RTC_SIZE, &gh_pl031_mmio_ops,
		                       rtc));
	}
};

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	// One machine for every input (made once: most of the cost of an input
	// was its allocation), put back in its reset state before each.
	static Machine *machine = new Machine();
	gh_bus *bus = machine->bus;

	machine->clock_ns = 0;
	Check(!gh_pl011_reset(machine->uart) && !gh_pl031_reset(machine->rtc));

	size_t pos = 0;
	for (int n = 0; n < 256 && pos < size; n++) {
		uint8_t flags = data[pos++];
		int ret = kRets[flags & 7];
		bool stopping = flags & 8;
		size_t take = size - pos < sizeof(gh_vcpu_run) ? size - pos : sizeof(gh_vcpu_run);
		// The page in a buffer of its exact size: ASan sees any read past it.
		auto *run = static_cast<gh_vcpu_run *>(calloc(1, sizeof(gh_vcpu_run)));
		gh_vcpu_run before;

		memcpy(run, data + pos, take);
		pos += take;
		memcpy(&before, run, sizeof(before));

		ghvmm_vcpu_exit e, again;
		ghvmm_exit_decode(ret, run, &e);
		ghvmm_exit_decode(ret, run, &again);
		Check(!memcmp(&e, &again, sizeof(e)));        // a value: nothing uninitialised
		Check(!memcmp(&before, run, sizeof(before))); // decoding writes nothing
		ghvmm_verdict v = ghvmm_exit_verdict(&e, stopping);
		CheckVerdict(e, v, ret, stopping);

		// What the vCPU thread does with it.
		Access a = {};
		uint64_t val = 0;
		if (v.action == GHVMM_ACTION_MMIO) {
			a = { true, e.mmio.is_write, e.mmio.addr, e.mmio.len };
			if (e.mmio.is_write)
				(void)gh_bus_write(bus, e.mmio.addr, e.mmio.len, e.mmio.value);
			else
				(void)gh_bus_read(bus, e.mmio.addr, e.mmio.len, &val);
		}
		if (v.action == GHVMM_ACTION_MMIO || v.action == GHVMM_ACTION_MMIO_FAULT)
			ghvmm_exit_complete_mmio(run, &e, v.action, val);
		Check(!a.done || (a.len >= 1 && a.len <= 8));

		// Only the MMIO answer changed.
		gh_vcpu_run want = before;
		if (v.action == GHVMM_ACTION_MMIO) {
			want.mmio.resume_action = GH_VM_RESUME_HANDLED;
			if (!e.mmio.is_write)
				for (uint32_t i = 0; i < 8; i++)
					want.mmio.data[i] =
						i < e.mmio.len ? (uint8_t)(val >> (8 * i)) : 0;
		} else if (v.action == GHVMM_ACTION_MMIO_FAULT) {
			want.mmio.resume_action = GH_VM_RESUME_FAULT;
		}
		Check(!memcmp(&want, run, sizeof(want)));
		free(run);
	}

	return 0;
}
