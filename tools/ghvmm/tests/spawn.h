// SPDX-License-Identifier: BSD-3-Clause
// Running a program under test (ghvmm, QEMU, a helper script) with its output
// captured and input fed as the program asks for it, for the end-to-end
// tests of tools/ghvmm and sim/.
#ifndef GHVMM_TESTS_SPAWN_H
#define GHVMM_TESTS_SPAWN_H

#include <string>
#include <vector>

namespace ghvmm_test {

// Input: written after @delay_ms, and once stdout holds @after (when given);
// stdin is closed after the last chunk (at once when there is none).
struct Chunk {
	int delay_ms;
	std::string bytes;
	std::string after = "";
};

struct Spawned {
	int status = -1; // the exit code, or -1 when killed at the timeout
	std::string out, err;
};

enum class Stderr {
	kApart,      // into Spawned::err
	kWithStdout, // into Spawned::out, interleaved as written
};

// Runs @prog with @args; kills it after @timeout_ms.
Spawned Spawn(const std::string &prog, const std::vector<std::string> &args,
              const std::vector<Chunk> &input = {}, int timeout_ms = 60000,
              Stderr stderr_to = Stderr::kApart);

// A path in the test's private temporary directory.
std::string TestTmp(const std::string &name);
void WriteFile(const std::string &path, const std::string &data);
// Sanitizer builds of ghvmm: Unicorn's own allocations are not ours (LSan
// suppressions for the programs Spawn starts; the data file
// //third_party:unicorn.lsan.supp must be in the test's runfiles).
void SuppressUnicornLeaks();

} // namespace ghvmm_test

#endif
