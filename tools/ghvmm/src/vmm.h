/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The VMM: builds ghvmm's machine on a Gunyah backend (/dev/gunyah or the
 * embedded simulator), runs one host thread per vCPU through GH_VCPU_RUN,
 * serves MMIO exits from devices/ through the bus, and routes device
 * interrupts the way Gunyah does: IRQ line -> irqfd -> doorbell -> SPI.
 */
#ifndef GHVMM_VMM_H
#define GHVMM_VMM_H

#include <stdio.h>

#include "options.h"

/*
 * Runs the guest described by @o to its end, with the console on @in_fd /
 * @out_fd and messages on @msg. Returns the process exit status
 * (enum ghvmm_exit).
 */
int ghvmm_run(const struct ghvmm_options *o, int in_fd, int out_fd, FILE *msg);

#endif
