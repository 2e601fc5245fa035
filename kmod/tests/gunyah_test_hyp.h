/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The contract between the test hypervisor backend (gunyah_test_hyp.ko) and
 * the selftest: which guest program a VM runs (chosen through the boot
 * context's PC, as a real guest's entry point would be), the addresses its
 * programs touch and the values they report. Each program is listed with the
 * exits the selftest expects.
 */
#ifndef GUNYAH_TEST_HYP_H
#define GUNYAH_TEST_HYP_H

#define TH_MAX_VMS    16
#define TH_MAX_VCPUS  4 /* vCPU resources handed out: labels 0..3 */
#define TH_BELL_LABEL 7 /* the doorbell resource (irqfd) */

/* Boot context X0 = TH_FAIL_START: vm_start fails with -TH_START_ERRNO. */
#define TH_FAIL_START  0xdeadULL
#define TH_START_ERRNO 19 /* ENODEV: the RM says NORESOURCE */

#define TH_MMIO_BASE     0x09000000ULL
#define TH_READ_ADDR(i)  (TH_MMIO_BASE + 0x8 * (i))         /* reads */
#define TH_ECHO_ADDR(i)  (TH_MMIO_BASE + 0x100 + 0x8 * (i)) /* echo of read i */
#define TH_WRITE_ADDR(i) (TH_MMIO_BASE + 0x200 + 0x8 * (i))
#define TH_MARK_ADDR     (TH_MMIO_BASE + 0x300) /* 4-byte progress marks */
#define TH_REPORT_ADDR   (TH_MMIO_BASE + 0x400) /* 8-byte counters */
#define TH_IOEVENT_ADDR  (TH_MMIO_BASE + 0x500)

/* What the guest reads when its MMIO read completed with a fault. */
#define TH_FAULT_MARK 0xfa17fa17fa17fa17ULL

/* Programs (boot context PC). Every vCPU of a VM runs the VM's program. */
enum th_program {
	TH_PROG_OFF = 0, /* power off at once */
	/* read 1,2,4,8 bytes at READ(0..3), each echoed to ECHO(i) with the
	 * same length; writes of 1,2,4,8 bytes of TH_WVAL(len) at WRITE(0..3);
	 * power off (EXITED, PSCI_POWER_OFF) */
	TH_PROG_MMIO = 1,
	/* READY, BLOCKED, RETRY, unknown state 0x77, WFI 20 ms (all invisible);
	 * MARK=1; a DENIED hypervisor error (RUN: EACCES); MARK=2; power off */
	TH_PROG_EXITS = 2,
	/* MARK=3; the vCPU faults: the VM crashes (CRASHED, ASYNC_EXT_ABORT) */
	TH_PROG_CRASH = 3,
	/* WFI, woken after 300 ms; MARK=0xc0ffee; power off */
	TH_PROG_WFI = 4,
	/* read 2 at READ(0), echo(2); read 4 at READ(1), echo(4); read 4 at
	 * READ(2), echo(8) (the selftest answers FAULT); read 4 at READ(3),
	 * echo(4) (answered RETRY once); a read the hypervisor reports with
	 * length 4096, REPORT(last action); one with length 0, REPORT(last
	 * action); power off */
	TH_PROG_RESUME = 5,
	/* REPORT(vm_start calls of this VM); MARK=vcpu id; power off */
	TH_PROG_STARTS = 6,
	/* wait until the doorbell rang; REPORT(doorbell rings); power off */
	TH_PROG_IRQFD = 7,
	/* write 4 bytes 0x1234 at IOEVENT; MARK=0x5678; power off */
	TH_PROG_IOEVENTFD = 8,
	/* WFI with no wake-up: runs until RUN is interrupted or the VM goes */
	TH_PROG_FOREVER = 9,
	TH_PROG_COUNT
};

#define TH_WVAL(len)                  \
	((len) == 1 ? 0x11ULL :       \
	 (len) == 2 ? 0x2222ULL :     \
	 (len) == 4 ? 0x44444444ULL : \
	              0x8888888888888888ULL)

#endif /* GUNYAH_TEST_HYP_H */
