// SPDX-License-Identifier: BSD-3-Clause
// Arbitrary command lines through ghvmm's option parser, the machine
// description made from them and the device tree generated from that: no
// crash or out-of-bounds access; an accepted command line is in range (one
// image, CPUs, RAM, disks), describes a machine whose devices fit their
// slots, and always yields a well-formed DTB that says what was asked for.
//
// Input: byte 0 holds flags (bit 0: argv[1] comes from the input rather
// than "run"; bits 1-2: an initrd range from the next 16 bytes), then the
// arguments, separated by NUL bytes. An argument whose first byte is below
// 0x20 starts with a known option (kTokens[byte]) followed by its other
// bytes, so "\x09" "=1G" is "--mem=1G" and "\x01" is "--kernel".
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include <libfdt.h>

#include "dtb.h"
#include "machine.h"
#include "options.h"
}

namespace {

const char *const kTokens[] = {
	"run",        "--kernel", "--load-addr", "--bios",  "--initrd", "--cmdline", "--dtb",
	"--dump-dtb", "--cpus",   "--mem",       "--disk",  "--rng",    "--console", "--backend",
	"--stats",    "--help",   "-h",          "--",      "uart",     "virtio",    "sim",
	"dev",        "auto",     ",ro",         "0x",      "128M",     "16G",       "64",
	"-",          "--kern",   "--mem=",      "--disk=",
};
constexpr size_t kNumTokens = sizeof(kTokens) / sizeof(kTokens[0]);
constexpr size_t kMaxArgs = 48;

void Check(bool ok)
{
	if (!ok)
		abort();
}

uint64_t Load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

// The generated DTB read back: what the options asked for is in it.
void CheckDtb(const void *fdt, int size, const ghvmm_options &o, const ghvmm_machine &m,
              const ghvmm_dtb_config &c)
{
	char err[256];
	int len;

	Check(ghvmm_check_dtb(fdt, (size_t)size, err, sizeof(err)) == 0);
	Check(fdt_check_full(fdt, (size_t)size) == 0);

	int chosen = fdt_path_offset(fdt, "/chosen");
	Check(chosen >= 0);
	const char *args = (const char *)fdt_getprop(fdt, chosen, "bootargs", &len);
	if (o.cmdline) {
		Check(args && len == (int)strlen(o.cmdline) + 1 && !strcmp(args, o.cmdline));
	} else {
		Check(!args);
	}
	const void *initrd = fdt_getprop(fdt, chosen, "linux,initrd-start", &len);
	Check((initrd != nullptr) == (c.initrd_end != 0));

	int cpus = fdt_path_offset(fdt, "/cpus"), n = 0, node;
	Check(cpus >= 0);
	fdt_for_each_subnode(node, fdt, cpus)
	{
		const char *type = (const char *)fdt_getprop(fdt, node, "device_type", &len);
		if (type && !strcmp(type, "cpu"))
			n++;
	}
	Check((unsigned int)n == m.cpus);

	unsigned int devs = 0;
	fdt_for_each_subnode(node, fdt, 0)
	{
		const char *compat = (const char *)fdt_getprop(fdt, node, "compatible", &len);
		if (compat && (!strcmp(compat, "virtio,mmio") || !strcmp(compat, "arm,pl011") ||
		               !strcmp(compat, "arm,pl031")))
			devs++;
	}
	Check(devs == m.ndevs);
}

void CheckMachine(const ghvmm_options &o, const ghvmm_machine &m)
{
	Check(m.cpus == o.cpus && m.ram_size == o.mem_size);
	Check(m.ndevs >= 2 && m.ndevs <= GHVMM_MAX_DEVS);
	unsigned int want = 2 + (o.console == GHVMM_CONSOLE_VIRTIO) + o.n_disks + (o.rng ? 1 : 0);
	Check(m.ndevs == want);
	for (unsigned int i = 0; i < m.ndevs; i++) {
		const ghvmm_dev_desc &d = m.devs[i];

		Check(d.size && d.base + d.size > d.base);
		Check(d.spi < GHVMM_DOORBELLS);
		// Nothing in RAM, the GIC or the flash.
		Check(d.base >= GHVMM_UART_BASE && d.base + d.size <= GHVMM_RAM_BASE);
		if (ghvmm_dev_is_virtio(d.kind))
			Check(d.base >= GHVMM_VIRTIO_BASE &&
			      d.base + d.size <=
			              GHVMM_VIRTIO_BASE + GHVMM_VIRTIO_SLOTS * GHVMM_VIRTIO_STRIDE);
		if (d.kind == GHVMM_DEV_VIRTIO_BLK)
			Check(d.index < o.n_disks);
		for (unsigned int j = 0; j < i; j++) {
			const ghvmm_dev_desc &e = m.devs[j];

			Check(d.spi != e.spi);
			Check(d.base + d.size <= e.base || e.base + e.size <= d.base);
		}
	}
}

void CheckOptions(const ghvmm_options &o)
{
	Check(!o.kernel != !o.bios);
	Check(o.cpus >= 1 && o.cpus <= GHVMM_MAX_CPUS);
	Check(o.mem_size >= GHVMM_RAM_MIN && o.mem_size <= GHVMM_RAM_MAX);
	Check(!(o.mem_size & 0xfff));
	Check(o.n_disks <= GHVMM_MAX_DISKS);
	for (unsigned int i = 0; i < o.n_disks; i++) {
		Check(o.disks[i].path != nullptr);
		Check(!strchr(o.disks[i].path, ',') || !o.disks[i].read_only);
	}
	Check(!o.has_load_addr || o.kernel);
	Check(!(o.dtb && (o.dump_dtb || o.cmdline)));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static std::vector<uint8_t> dtb(64 << 10);

	if (size < 1)
		return 0;
	uint8_t flags = data[0];
	size_t pos = 1;
	ghvmm_dtb_config c{};
	if ((flags & 6) && size - pos >= 16) {
		c.initrd_start = Load64(data + pos);
		c.initrd_end = Load64(data + pos + 8);
		pos += 16;
	}

	// Each argument in a buffer of its exact size: the parser may write into
	// its arguments (--disk PATH,ro is split in place), never past them.
	std::vector<char *> argv;
	argv.push_back(strdup("ghvmm"));
	if (!(flags & 1))
		argv.push_back(strdup("run"));
	while (pos < size && argv.size() < kMaxArgs) {
		const uint8_t *end = (const uint8_t *)memchr(data + pos, 0, size - pos);
		size_t n = end ? (size_t)(end - (data + pos)) : size - pos;
		std::string arg;

		if (n && data[pos] < 0x20)
			arg = std::string(kTokens[data[pos] % kNumTokens]) +
			      std::string((const char *)data + pos + 1, n - 1);
		else
			arg.assign((const char *)data + pos, n);
		char *a = (char *)malloc(arg.size() + 1);
		memcpy(a, arg.c_str(), arg.size() + 1);
		argv.push_back(a);
		pos += n + 1;
	}
	std::vector<char *> owned = argv;
	argv.push_back(nullptr);

	ghvmm_options o;
	char err[256];
	int r = ghvmm_parse_options((int)argv.size() - 1, argv.data(), &o, err, sizeof(err));
	Check(r == 0 || r == -EINVAL);
	Check(strlen(err) < sizeof(err));
	Check(r == 0 || err[0]); // every refusal says why
	if (!r && !o.help) {
		CheckOptions(o);

		ghvmm_machine m;
		r = ghvmm_machine_describe(&o, &m, err, sizeof(err));
		// Eight disks, a virtio console and an RNG fit the slots.
		Check(r == 0);
		CheckMachine(o, m);

		c.machine = &m;
		c.cmdline = o.cmdline;
		r = ghvmm_build_dtb(&c, dtb.data(), dtb.size(), err, sizeof(err));
		if (c.initrd_end && c.initrd_end <= c.initrd_start) {
			Check(r == -EINVAL);
		} else if (r == -ENOSPC) {
			Check(o.cmdline && strlen(o.cmdline) > dtb.size() / 2);
		} else {
			Check(r > 0 && (size_t)r <= dtb.size());
			CheckDtb(dtb.data(), r, o, m, c);
		}
	}

	// Sizes as --mem reads them, on every argument.
	for (char *a : owned) {
		uint64_t v;

		if (!ghvmm_parse_size(a, &v))
			Check(a[0] >= '0' && a[0] <= '9');
	}
	for (char *a : owned)
		free(a);
	return 0;
}
