// SPDX-License-Identifier: BSD-3-Clause
// Image loaders against hand-built images: each good kind lands where it
// says, and each bad image is refused with a reason before anything is
// written to guest memory.
#include <gtest/gtest.h>

#include <elf.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

extern "C" {
#include "loader.h"
#include "machine.h"
}

namespace {

constexpr uint64_t kRamSize = 16ULL << 20;

class LoaderTest : public ::testing::Test {
protected:
	LoaderTest() : backing_(kRamSize, 0xee)
	{
		ram_ = { GHVMM_RAM_BASE, kRamSize, backing_.data() };
	}
	uint8_t At(uint64_t gpa) { return backing_[gpa - GHVMM_RAM_BASE]; }
	bool Untouched()
	{
		static const std::vector<uint8_t> fill(1 << 20, 0xee);
		for (size_t off = 0; off < backing_.size(); off += fill.size())
			if (memcmp(backing_.data() + off, fill.data(), fill.size()))
				return false;
		return true;
	}

	std::vector<uint8_t> backing_;
	ghvmm_mem ram_;
	ghvmm_image img_{};
	char err_[256] = "";
};

struct Seg {
	uint64_t paddr;
	std::vector<uint8_t> data;
	uint64_t memsz;
	uint32_t flags = PF_R | PF_X;
};

std::vector<uint8_t> MakeElf(uint64_t entry, const std::vector<Seg> &segs)
{
	Elf64_Ehdr eh{};
	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_AARCH64;
	eh.e_version = EV_CURRENT;
	eh.e_entry = entry;
	eh.e_phoff = sizeof(eh);
	eh.e_ehsize = sizeof(eh);
	eh.e_phentsize = sizeof(Elf64_Phdr);
	eh.e_phnum = (uint16_t)segs.size();
	std::vector<uint8_t> out(sizeof(eh) + segs.size() * sizeof(Elf64_Phdr));
	uint64_t off = out.size();
	std::vector<Elf64_Phdr> ph;
	for (const Seg &s : segs) {
		Elf64_Phdr p{};
		p.p_type = PT_LOAD;
		p.p_offset = off;
		p.p_paddr = p.p_vaddr = s.paddr;
		p.p_filesz = s.data.size();
		p.p_memsz = s.memsz;
		p.p_flags = s.flags;
		ph.push_back(p);
		off += s.data.size();
	}
	memcpy(out.data(), &eh, sizeof(eh));
	memcpy(out.data() + sizeof(eh), ph.data(), ph.size() * sizeof(Elf64_Phdr));
	for (const Seg &s : segs)
		out.insert(out.end(), s.data.begin(), s.data.end());
	return out;
}

std::vector<uint8_t> MakeImage(uint64_t text_offset, uint64_t image_size, size_t len)
{
	std::vector<uint8_t> img(len, 0x5a);
	auto put64 = [&](size_t at, uint64_t v) {
		for (int i = 0; i < 8; i++)
			img[at + i] = (uint8_t)(v >> (8 * i));
	};
	put64(8, text_offset);
	put64(16, image_size);
	put64(24, 0);
	memcpy(&img[56], "ARM\x64", 4);
	return img;
}

// A ROM window like the flash: lld's default layout puts a read-only segment
// with the ELF headers at 0x200000, below the text in RAM.
class RomLoaderTest : public LoaderTest {
protected:
	RomLoaderTest() : rom_backing_(kRomSize, 0xee)
	{
		rom_ = { GHVMM_FLASH_BASE, kRomSize, rom_backing_.data() };
	}
	static constexpr uint64_t kRomSize = 4ULL << 20;
	std::vector<uint8_t> rom_backing_;
	ghvmm_mem rom_;
};

TEST_F(RomLoaderTest, ReadOnlySegmentInTheRomIsLoadedThere)
{
	auto elf = MakeElf(GHVMM_RAM_BASE, { { 0x200000, { 0x7f, 'E', 'L', 'F' }, 0x10, PF_R },
	                                     { GHVMM_RAM_BASE, { 1, 2, 3, 4 }, 4 } });
	ASSERT_EQ(0, ghvmm_load_kernel(&ram_, &rom_, elf.data(), elf.size(), false, 0, &img_, err_,
	                               sizeof(err_)))
		<< err_;
	EXPECT_TRUE(img_.in_rom);
	EXPECT_EQ('E', rom_backing_[0x200001]);
	EXPECT_EQ(0, rom_backing_[0x20000f]); // memsz beyond filesz is zeroed
	EXPECT_EQ(0xee, rom_backing_[0x200010]);
	// Only RAM counts for where the DTB and initrd go.
	EXPECT_EQ(GHVMM_RAM_BASE, img_.start);
	EXPECT_EQ(GHVMM_RAM_BASE + 4, img_.end);
	EXPECT_EQ(3, At(GHVMM_RAM_BASE + 2));
}

TEST_F(RomLoaderTest, EverythingElseOutsideRamIsRefused)
{
	struct Case {
		const char *what;
		std::vector<Seg> segs;
		bool with_rom;
		const char *msg;
	} cases[] = {
		{ "no ROM window",
		  { { 0x200000, { 1 }, 1, PF_R }, { GHVMM_RAM_BASE, { 1 }, 1 } },
		  false,
		  "segment 0 at 0x200000+0x1 is outside RAM" },
		{ "writable segment in the ROM",
		  { { 0x200000, { 1 }, 1, PF_R | PF_W }, { GHVMM_RAM_BASE, { 1 }, 1 } },
		  true,
		  "is writable, and outside RAM" },
		{ "straddles the ROM's end",
		  { { kRomSize - 2, { 1, 2, 3, 4 }, 4, PF_R }, { GHVMM_RAM_BASE, { 1 }, 1 } },
		  true,
		  "outside RAM" },
		{ "between ROM and RAM",
		  { { 0x20000000, { 1 }, 1, PF_R }, { GHVMM_RAM_BASE, { 1 }, 1 } },
		  true,
		  "outside RAM" },
	};
	for (const Case &c : cases) {
		SCOPED_TRACE(c.what);
		auto elf = MakeElf(GHVMM_RAM_BASE, c.segs);
		EXPECT_EQ(-ERANGE,
		          ghvmm_load_kernel(&ram_, c.with_rom ? &rom_ : nullptr, elf.data(),
		                            elf.size(), false, 0, &img_, err_, sizeof(err_)));
		EXPECT_NE(nullptr, strstr(err_, c.msg)) << err_;
		EXPECT_TRUE(Untouched());
		EXPECT_EQ(0xee, rom_backing_[0x200000]);
	}
}

TEST_F(RomLoaderTest, EntryInTheRom)
{
	auto elf = MakeElf(0x200000,
	                   { { 0x200000, { 0x00, 0x00, 0x00, 0x14 } /* b . */, 4, PF_R | PF_X } });
	ASSERT_EQ(0, ghvmm_load_kernel(&ram_, &rom_, elf.data(), elf.size(), false, 0, &img_, err_,
	                               sizeof(err_)))
		<< err_;
	EXPECT_TRUE(img_.in_rom);
	EXPECT_EQ(0x200000u, img_.entry);
	EXPECT_EQ(img_.start, img_.end); // nothing in RAM
	EXPECT_TRUE(Untouched());
}

TEST_F(LoaderTest, ElfSegmentsAndBss)
{
	auto elf = MakeElf(GHVMM_RAM_BASE + 0x1000,
	                   { { GHVMM_RAM_BASE + 0x1000, { 1, 2, 3, 4 }, 0x10 },
	                     { GHVMM_RAM_BASE + 0x8000, { 9 }, 1 } });
	ASSERT_EQ(0, ghvmm_load_kernel(&ram_, nullptr, elf.data(), elf.size(), false, 0, &img_,
	                               err_, sizeof(err_)))
		<< err_;
	EXPECT_EQ(GHVMM_IMAGE_ELF, img_.kind);
	EXPECT_EQ(GHVMM_RAM_BASE + 0x1000, img_.entry);
	EXPECT_EQ(GHVMM_RAM_BASE + 0x1000, img_.start);
	EXPECT_EQ(GHVMM_RAM_BASE + 0x8001, img_.end);
	EXPECT_EQ(1, At(GHVMM_RAM_BASE + 0x1000));
	EXPECT_EQ(4, At(GHVMM_RAM_BASE + 0x1003));
	EXPECT_EQ(0, At(GHVMM_RAM_BASE + 0x1004)) << "bss is zeroed";
	EXPECT_EQ(0, At(GHVMM_RAM_BASE + 0x100f));
	EXPECT_EQ(0xee, At(GHVMM_RAM_BASE + 0x1010));
	EXPECT_EQ(9, At(GHVMM_RAM_BASE + 0x8000));
}

TEST_F(LoaderTest, BadElves)
{
	const uint64_t b = GHVMM_RAM_BASE;
	struct Case {
		const char *what;
		std::vector<uint8_t> elf;
		const char *mentions;
	};
	std::vector<Case> cases;
	auto good = MakeElf(b, { { b, { 1, 2 }, 2 } });
	cases.push_back({ "truncated header", std::vector<uint8_t>(good.begin(), good.begin() + 20),
	                  "truncated" });
	cases.push_back({ "truncated data", std::vector<uint8_t>(good.begin(), good.end() - 1),
	                  "truncated" });
	{
		auto e = good;
		e[EI_CLASS] = ELFCLASS32;
		cases.push_back({ "32-bit", e, "64-bit" });
	}
	{
		auto e = good;
		e[EI_DATA] = ELFDATA2MSB;
		cases.push_back({ "big-endian", e, "little-endian" });
	}
	{
		auto e = good;
		Elf64_Ehdr *eh = reinterpret_cast<Elf64_Ehdr *>(e.data());
		eh->e_machine = EM_X86_64;
		cases.push_back({ "x86-64", e, "architecture" });
	}
	{
		auto e = good;
		reinterpret_cast<Elf64_Ehdr *>(e.data())->e_type = ET_DYN;
		cases.push_back({ "shared object", e, "executable" });
	}
	{
		auto e = good;
		reinterpret_cast<Elf64_Ehdr *>(e.data())->e_phnum = 0;
		cases.push_back({ "no phdrs", e, "program headers" });
	}
	{
		auto e = good;
		reinterpret_cast<Elf64_Ehdr *>(e.data())->e_phoff = 1ULL << 40;
		cases.push_back({ "phdrs past the end", e, "beyond" });
	}
	{
		auto e = good;
		reinterpret_cast<Elf64_Ehdr *>(e.data())->e_phoff = UINT64_MAX - 8;
		cases.push_back({ "phoff wraps", e, "beyond" });
	}
	cases.push_back({ "below RAM", MakeElf(0x1000, { { 0x1000, { 1 }, 1 } }), "outside RAM" });
	cases.push_back({ "past RAM", MakeElf(b + kRamSize - 1, { { b + kRamSize - 1, { 1 }, 2 } }),
	                  "outside RAM" });
	cases.push_back({ "wrapping segment",
	                  MakeElf(UINT64_MAX - 1, { { UINT64_MAX - 1, { 1 }, 16 } }),
	                  "outside RAM" });
	cases.push_back({ "overlap", MakeElf(b, { { b, { 1 }, 0x100 }, { b + 0x80, { 2 }, 1 } }),
	                  "overlap" });
	cases.push_back({ "entry outside", MakeElf(b + 0x100000, { { b, { 1 }, 1 } }), "entry" });
	cases.push_back({ "filesz > memsz", MakeElf(b, { { b, { 1, 2, 3 }, 1 } }), "file size" });
	for (const Case &c : cases) {
		SCOPED_TRACE(c.what);
		err_[0] = 0;
		EXPECT_NE(0, ghvmm_load_kernel(&ram_, nullptr, c.elf.data(), c.elf.size(), false, 0,
		                               &img_, err_, sizeof(err_)));
		EXPECT_NE(nullptr, strstr(err_, c.mentions)) << err_;
		EXPECT_TRUE(Untouched()) << "nothing written for a bad image";
	}
}

TEST_F(LoaderTest, LinuxImage)
{
	auto image = MakeImage(0x80000, 0x200000, 0x1000);
	ASSERT_EQ(0, ghvmm_load_kernel(&ram_, nullptr, image.data(), image.size(), false, 0, &img_,
	                               err_, sizeof(err_)))
		<< err_;
	EXPECT_EQ(GHVMM_IMAGE_LINUX, img_.kind);
	EXPECT_EQ(GHVMM_RAM_BASE + 0x80000, img_.entry);
	EXPECT_EQ(GHVMM_RAM_BASE + 0x80000 + 0x200000, img_.end);
	EXPECT_EQ(0x5a, At(GHVMM_RAM_BASE + 0x80000 + 0x40));
	EXPECT_EQ(0, At(GHVMM_RAM_BASE + 0x80000 + 0x1000))
		<< "image_size beyond the file is zeroed";
}

TEST_F(LoaderTest, BadLinuxImages)
{
	struct {
		const char *what;
		std::vector<uint8_t> image;
		const char *mentions;
	} cases[] = {
		{ "image_size smaller than file", MakeImage(0x80000, 0x100, 0x1000), "smaller" },
		{ "unaligned text_offset", MakeImage(0x80001, 0x2000, 0x1000), "aligned" },
		{ "too big for RAM", MakeImage(0x80000, kRamSize, 0x1000), "does not fit" },
		{ "huge text_offset", MakeImage(0xfffffffffffff000ULL, 0x2000, 0x1000), "" },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.what);
		err_[0] = 0;
		EXPECT_NE(0, ghvmm_load_kernel(&ram_, nullptr, c.image.data(), c.image.size(),
		                               false, 0, &img_, err_, sizeof(err_)));
		EXPECT_NE(nullptr, strstr(err_, c.mentions)) << err_;
		EXPECT_TRUE(Untouched());
	}
	auto image = MakeImage(0x80000, 0x2000, 0x1000);
	EXPECT_NE(0, ghvmm_load_kernel(&ram_, nullptr, image.data(), image.size(), true,
	                               GHVMM_RAM_BASE, &img_, err_, sizeof(err_)));
	EXPECT_NE(nullptr, strstr(err_, "--load-addr")) << err_;
}

TEST_F(LoaderTest, RawBinary)
{
	std::vector<uint8_t> raw = { 0x1f, 0x20, 0x03, 0xd5 };
	ASSERT_EQ(0, ghvmm_load_kernel(&ram_, nullptr, raw.data(), raw.size(), false, 0, &img_,
	                               err_, sizeof(err_)));
	EXPECT_EQ(GHVMM_IMAGE_RAW, img_.kind);
	EXPECT_EQ(GHVMM_RAM_BASE, img_.entry);
	EXPECT_EQ(0x1f, At(GHVMM_RAM_BASE));

	ASSERT_EQ(0, ghvmm_load_kernel(&ram_, nullptr, raw.data(), raw.size(), true,
	                               GHVMM_RAM_BASE + 0x10000, &img_, err_, sizeof(err_)));
	EXPECT_EQ(GHVMM_RAM_BASE + 0x10000, img_.entry);

	for (uint64_t at : { (uint64_t)0, (uint64_t)(GHVMM_RAM_BASE + kRamSize - 2),
	                     (uint64_t)(UINT64_MAX - 1) }) {
		SCOPED_TRACE(at);
		EXPECT_EQ(-ERANGE, ghvmm_load_kernel(&ram_, nullptr, raw.data(), raw.size(), true,
		                                     at, &img_, err_, sizeof(err_)));
	}
	EXPECT_EQ(-EINVAL, ghvmm_load_kernel(&ram_, nullptr, raw.data(), 0, false, 0, &img_, err_,
	                                     sizeof(err_)));
}

TEST_F(LoaderTest, MemContains)
{
	EXPECT_TRUE(ghvmm_mem_contains(&ram_, GHVMM_RAM_BASE, kRamSize));
	EXPECT_FALSE(ghvmm_mem_contains(&ram_, GHVMM_RAM_BASE, kRamSize + 1));
	EXPECT_FALSE(ghvmm_mem_contains(&ram_, GHVMM_RAM_BASE, 0));
	EXPECT_FALSE(ghvmm_mem_contains(&ram_, GHVMM_RAM_BASE - 1, 1));
	EXPECT_FALSE(ghvmm_mem_contains(&ram_, GHVMM_RAM_BASE + kRamSize, 1));
	EXPECT_FALSE(ghvmm_mem_contains(&ram_, GHVMM_RAM_BASE + 1, UINT64_MAX));
	EXPECT_EQ(-ERANGE, ghvmm_mem_write(&ram_, UINT64_MAX, "x", 1));
}

TEST_F(LoaderTest, BootDataPlacement)
{
	uint64_t dtb = 0, initrd = 0;
	ghvmm_image k = { GHVMM_IMAGE_ELF, GHVMM_RAM_BASE + 0x100000, GHVMM_RAM_BASE + 0x100000,
		          GHVMM_RAM_BASE + 0x300000 };
	ASSERT_EQ(0, ghvmm_place_boot_data(&ram_, &k, 0x10000, 0x5000, &dtb, &initrd, err_,
	                                   sizeof(err_)));
	EXPECT_EQ(GHVMM_RAM_BASE, dtb) << "start of RAM when free, as QEMU";
	EXPECT_EQ(GHVMM_RAM_BASE + 0x400000, initrd) << "above the kernel, 2M aligned";

	ghvmm_image at_base = { GHVMM_IMAGE_ELF, GHVMM_RAM_BASE, GHVMM_RAM_BASE,
		                GHVMM_RAM_BASE + 0x1000 };
	ASSERT_EQ(0, ghvmm_place_boot_data(&ram_, &at_base, 0x10000, 0, &dtb, &initrd, err_,
	                                   sizeof(err_)));
	EXPECT_EQ(GHVMM_RAM_BASE + kRamSize - 0x10000, dtb) << "top of RAM when the start is taken";

	EXPECT_EQ(-ENOSPC, ghvmm_place_boot_data(&ram_, &k, 0x10000, kRamSize, &dtb, &initrd, err_,
	                                         sizeof(err_)));
	EXPECT_NE(nullptr, strstr(err_, "initrd"));
	ghvmm_image whole = { GHVMM_IMAGE_ELF, GHVMM_RAM_BASE, GHVMM_RAM_BASE,
		              GHVMM_RAM_BASE + kRamSize };
	EXPECT_EQ(-ENOSPC, ghvmm_place_boot_data(&ram_, &whole, 0x10000, 0, &dtb, &initrd, err_,
	                                         sizeof(err_)));
}

std::string TmpPath(const char *name)
{
	const char *dir = getenv("TEST_TMPDIR");
	return std::string(dir ? dir : "/tmp") + "/" + name;
}

// An open file holding @bytes (closed by the caller).
int TmpFile(const char *name, const std::vector<uint8_t> &bytes)
{
	std::string path = TmpPath(name);
	FILE *f = fopen(path.c_str(), "wb");
	if (!f)
		return -1;
	if (!bytes.empty() && fwrite(bytes.data(), 1, bytes.size(), f) != bytes.size()) {
		fclose(f);
		return -1;
	}
	fclose(f);
	return open(path.c_str(), O_RDONLY | O_CLOEXEC);
}

// From a file, each kind lands exactly where and as the in-memory loader
// puts it (a Linux Image and a raw binary read straight into RAM).
TEST_F(LoaderTest, FromAFileAsFromMemory)
{
	struct {
		const char *what;
		std::vector<uint8_t> bytes;
		bool has_load_addr;
		uint64_t load_addr;
	} cases[] = {
		{ "Linux Image", MakeImage(0x80000, 0x200000, 0x1800), false, 0 },
		{ "ELF",
		  MakeElf(GHVMM_RAM_BASE + 0x1000, { { GHVMM_RAM_BASE + 0x1000, { 9, 8, 7 }, 8 } }),
		  false, 0 },
		{ "raw at RAM's start", { 0x1f, 0x20, 0x03, 0xd5, 0x42 }, false, 0 },
		{ "raw at --load-addr", { 0x1f, 0x20, 0x03 }, true, GHVMM_RAM_BASE + 0x3000 },
		{ "raw shorter than an Image header", { 0x41 }, false, 0 },
	};
	for (const auto &c : cases) {
		SCOPED_TRACE(c.what);
		std::vector<uint8_t> from_mem(kRamSize, 0xee);
		ghvmm_mem mem_ram = { GHVMM_RAM_BASE, kRamSize, from_mem.data() };
		ghvmm_image want{};
		ASSERT_EQ(0, ghvmm_load_kernel(&mem_ram, nullptr, c.bytes.data(), c.bytes.size(),
		                               c.has_load_addr, c.load_addr, &want, err_,
		                               sizeof(err_)))
			<< err_;
		std::fill(backing_.begin(), backing_.end(), 0xee);
		int fd = TmpFile("loader_kind.bin", c.bytes);
		ASSERT_GE(fd, 0);
		EXPECT_EQ(0, ghvmm_load_kernel_file(&ram_, nullptr, fd, c.bytes.size(),
		                                    c.has_load_addr, c.load_addr, &img_, err_,
		                                    sizeof(err_)))
			<< err_;
		close(fd);
		EXPECT_EQ(want.kind, img_.kind);
		EXPECT_EQ(want.entry, img_.entry);
		EXPECT_EQ(want.start, img_.start);
		EXPECT_EQ(want.end, img_.end);
		EXPECT_TRUE(from_mem == backing_) << "the same bytes in guest memory";
	}
}

TEST_F(LoaderTest, FromAFileThatShrankOrIsBad)
{
	auto image = MakeImage(0x80000, 0x200000, 0x1000);
	int fd = TmpFile("loader_short.bin", image);
	ASSERT_GE(fd, 0);
	// fstat said more than the file holds when it is read: it shrank.
	EXPECT_EQ(-EIO, ghvmm_load_kernel_file(&ram_, nullptr, fd, image.size() + 4096, false, 0,
	                                       &img_, err_, sizeof(err_)));
	EXPECT_NE(nullptr, strstr(err_, "shrank")) << err_;
	std::fill(backing_.begin(), backing_.end(), 0xee); // what was read stays
	// The same checks as in memory, before anything is written.
	EXPECT_EQ(-EINVAL, ghvmm_load_kernel_file(&ram_, nullptr, fd, image.size(), true,
	                                          GHVMM_RAM_BASE, &img_, err_, sizeof(err_)));
	EXPECT_NE(nullptr, strstr(err_, "--load-addr")) << err_;
	EXPECT_TRUE(Untouched());
	EXPECT_EQ(-EINVAL, ghvmm_load_kernel_file(&ram_, nullptr, fd, 0, false, 0, &img_, err_,
	                                          sizeof(err_)));
	EXPECT_NE(nullptr, strstr(err_, "empty")) << err_;
	close(fd);

	auto too_big = MakeImage(0x80000, kRamSize, 0x1000);
	fd = TmpFile("loader_big.bin", too_big);
	ASSERT_GE(fd, 0);
	EXPECT_EQ(-ERANGE, ghvmm_load_kernel_file(&ram_, nullptr, fd, too_big.size(), false, 0,
	                                          &img_, err_, sizeof(err_)));
	EXPECT_NE(nullptr, strstr(err_, "does not fit")) << err_;
	EXPECT_TRUE(Untouched());
	close(fd);
}

TEST_F(LoaderTest, MemReadFile)
{
	int fd = TmpFile("loader_initrd.bin", { 1, 2, 3, 4, 5 });
	ASSERT_GE(fd, 0);
	EXPECT_EQ(0,
	          ghvmm_mem_read_file(&ram_, GHVMM_RAM_BASE + 0x2000, fd, 5, err_, sizeof(err_)));
	EXPECT_EQ(5, At(GHVMM_RAM_BASE + 0x2004));
	EXPECT_EQ(0xee, At(GHVMM_RAM_BASE + 0x2005));
	EXPECT_EQ(-ERANGE, ghvmm_mem_read_file(&ram_, GHVMM_RAM_BASE + kRamSize - 4, fd, 5, err_,
	                                       sizeof(err_)));
	EXPECT_EQ(-EIO, ghvmm_mem_read_file(&ram_, GHVMM_RAM_BASE, fd, 6, err_, sizeof(err_)));
	EXPECT_NE(nullptr, strstr(err_, "shrank")) << err_;
	EXPECT_EQ(0, ghvmm_mem_read_file(&ram_, UINT64_MAX, fd, 0, err_, sizeof(err_)))
		<< "nothing to read";
	close(fd);
}

TEST(LoaderFile, ReadFileLimits)
{
	uint8_t *data = nullptr;
	size_t len = 0;
	EXPECT_EQ(-ENOENT, ghvmm_read_file("/nonexistent/file", 100, &data, &len));
	EXPECT_EQ(-EINVAL, ghvmm_read_file("/", 100, &data, &len)) << "a directory";
	std::string path = TmpPath("loader_test.bin");
	FILE *f = fopen(path.c_str(), "wb");
	ASSERT_NE(nullptr, f);
	fwrite("0123456789", 1, 10, f);
	fclose(f);
	EXPECT_EQ(-EFBIG, ghvmm_read_file(path.c_str(), 9, &data, &len));
	ASSERT_EQ(0, ghvmm_read_file(path.c_str(), 10, &data, &len));
	EXPECT_EQ(10u, len);
	EXPECT_EQ(0, memcmp(data, "0123456789", 10));
	free(data);
}

} // namespace
