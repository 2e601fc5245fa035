/* SPDX-License-Identifier: BSD-3-Clause */
/* A cursor over fuzz input: reads past the end yield zeros. */
#ifndef GH_DEVICES_FUZZ_INPUT_H
#define GH_DEVICES_FUZZ_INPUT_H

#include <cstddef>
#include <cstdint>

namespace ghfuzz {

struct Input {
	const uint8_t *p;
	size_t n;
	bool empty() const { return n == 0; }
	uint8_t u8()
	{
		if (!n)
			return 0;
		n--;
		return *p++;
	}
	uint16_t u16() { return (uint16_t)(u8() | u8() << 8); }
	uint32_t u32() { return u16() | (uint32_t)u16() << 16; }
	uint64_t u64() { return u32() | (uint64_t)u32() << 32; }
	uint32_t size() { return 1u << (u8() & 3); } // 1, 2, 4, 8
};

} // namespace ghfuzz

#endif
