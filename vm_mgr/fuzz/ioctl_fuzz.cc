// SPDX-License-Identifier: BSD-3-Clause
// Arbitrary sequences of VM ioctls with arbitrary argument bytes, as a user
// (or a compromised VMM) can issue them through /dev/gunyah: no crash, no
// out-of-bounds access, every object freed when the VM is released, and
// nothing accepted after the VM has started that must be frozen.
//
// Input: a list of records { u8 op, u8 fd_choice, payload... }; each record's
// argument is the next _IOC_SIZE(cmd) bytes (zero-filled past the input).
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

extern "C" {
#include <gunyah/os_posix.h>
#include <gunyah/vm_mgr.h>
}

#include "../tests/fake_rm.h"

namespace {

const unsigned int kCmds[] = {
	GH_VM_SET_USER_MEM_REGION,
	GH_VM_SET_DTB_CONFIG,
	GH_VM_SET_BOOT_CONTEXT,
	GH_VM_START,
	GH_VM_ADD_FUNCTION,
	GH_VM_REMOVE_FUNCTION,
	GH_VCPU_RUN,
	GH_VM_MAP_MEM, // gh_vm_mgr_map_mem() with the one guest memory below
	0x4799,
};

int efd[2] = { -1, -1 };

void Check(bool ok)
{
	if (!ok)
		abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static gh_gmem *gmem = [] {
		gh_gmem_create_args a = {};
		gh_gmem *g = nullptr;
		a.size = 64 * 4096;
		Check(gh_gmem_create(&a, &g) == 0);
		return g;
	}();
	static FakeRm *rm = [] {
		gh_os_posix_warn_quiet(true);
		efd[0] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		efd[1] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		return new FakeRm();
	}();
	long allocs = gh_os_posix_live_allocs();
	gh_vm *vm = nullptr;

	if (gh_vm_mgr_create(&rm->ops, rm, &vm))
		return 0;
	size_t pos = 0;
	for (int n = 0; n < 64 && pos + 2 <= size; n++) {
		unsigned int cmd = kCmds[data[pos] % (sizeof(kCmds) / sizeof(kCmds[0]))];
		uint8_t fd_choice = data[pos + 1];
		pos += 2;
		size_t argsz = cmd == GH_VM_MAP_MEM ? sizeof(gh_vm_map_mem) :
		                                      gh_vm_mgr_ioctl_arg_size(cmd);
		uint8_t arg[sizeof(gh_vm_function)] = {};
		size_t take = size - pos < argsz ? size - pos : argsz;
		if (argsz > sizeof(arg))
			abort();
		memcpy(arg, data + pos, take);
		pos += take;
		// Point irqfd / ioeventfd at real eventfds some of the time.
		if (cmd == GH_VM_ADD_FUNCTION || cmd == GH_VM_REMOVE_FUNCTION) {
			auto *fn = reinterpret_cast<gh_vm_function *>(arg);
			if (fd_choice & 1)
				fn->irqfd.fd = (uint32_t)efd[(fd_choice >> 1) & 1];
			if (fd_choice & 4)
				fn->ioeventfd.fd = efd[(fd_choice >> 3) & 1];
		}
		bool started_before = gh_vm_mgr_status(vm) != GH_VM_MGR_STATUS_NO_STATE;
		gh_vm_function_handle *handle = nullptr;
		int r = cmd == GH_VM_MAP_MEM ?
		                gh_vm_mgr_map_mem(vm, reinterpret_cast<gh_vm_map_mem *>(arg),
		                                  gmem) :
		                gh_vm_mgr_ioctl(vm, cmd, arg, &handle);
		Check(r <= 0);
		Check(handle == nullptr); // no function type here hands out a handle
		if (started_before &&
		    (cmd == GH_VM_SET_USER_MEM_REGION || cmd == GH_VM_SET_DTB_CONFIG ||
		     cmd == GH_VM_SET_BOOT_CONTEXT || cmd == GH_VM_MAP_MEM))
			Check(r != 0); // frozen once started
		if (cmd == 0x4799 || cmd == GH_VCPU_RUN)
			Check(r == -ENOTTY);
		// The in-kernel MMIO path with an arbitrary write.
		uint64_t addr, val;
		memcpy(&addr, arg, sizeof(addr));
		memcpy(&val, arg + 8, sizeof(val));
		(void)gh_vm_mgr_mmio_write(vm, addr, 1u << (fd_choice & 3), val);
	}
	gh_vm_put(vm);
	Check(gh_os_posix_live_allocs() == allocs);
	// The fake RM records every call; nothing here reads the record, and
	// kept across inputs it grows without bound (RSS, and a leak check of
	// the whole heap after every input that allocated more than it freed).
	rm->calls.clear();
	return 0;
}
