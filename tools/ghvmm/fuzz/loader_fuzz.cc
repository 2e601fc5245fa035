// SPDX-License-Identifier: BSD-3-Clause
// Arbitrary bytes as a --kernel image and as a --dtb: the loaders never read
// or write outside the file, guest RAM and the ROM window, and a success
// reports a RAM extent inside RAM.
#include <cstdint>
#include <cstdlib>
#include <vector>

extern "C" {
#include "dtb.h"
#include "loader.h"
#include "machine.h"
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static std::vector<uint8_t> backing(1 << 20), rom_backing(1 << 16);
	ghvmm_mem ram = { GHVMM_RAM_BASE, backing.size(), backing.data() };
	ghvmm_mem rom = { GHVMM_FLASH_BASE, rom_backing.size(), rom_backing.data() };
	ghvmm_image img{};
	char err[256];

	if (!ghvmm_load_kernel(&ram, &rom, data, size, false, 0, &img, err, sizeof(err))) {
		bool ram_empty = img.start == 0 && img.end == 0;

		if (!ram_empty &&
		    (img.start < ram.gpa || img.end > ram.gpa + ram.size || img.start > img.end))
			abort();
		if (ram_empty && !img.in_rom)
			abort();
		if (!img.in_rom && (img.entry < img.start || img.entry >= img.end))
			abort();
	}
	(void)ghvmm_check_dtb(data, size, err, sizeof(err));
	return 0;
}
