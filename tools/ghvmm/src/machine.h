/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The guest platform ghvmm builds: QEMU `virt`'s memory map, so that one
 * image boots on both.
 */
#ifndef GHVMM_MACHINE_H
#define GHVMM_MACHINE_H

#include <stdint.h>

/* --bios: two read-only 64 MiB flash banks, as QEMU virt's: the firmware in
 * bank 0; bank 1 (where U-Boot looks for its environment) reads as zeroes. */
#define GHVMM_FLASH_BASE	0x00000000ULL
#define GHVMM_FLASH_BANK_SIZE	0x04000000ULL
#define GHVMM_FLASH_SIZE	(2 * GHVMM_FLASH_BANK_SIZE)

#define GHVMM_GICD_BASE		0x08000000ULL
#define GHVMM_GICD_SIZE		0x00010000ULL
#define GHVMM_GICR_BASE		0x080a0000ULL
#define GHVMM_GICR_STRIDE	0x00020000ULL	/* per vCPU: RD + SGI frames */

#define GHVMM_UART_BASE		0x09000000ULL
#define GHVMM_UART_SIZE		0x00001000ULL
#define GHVMM_UART_SPI		1
#define GHVMM_RTC_BASE		0x09010000ULL
#define GHVMM_RTC_SIZE		0x00001000ULL
#define GHVMM_RTC_SPI		2

#define GHVMM_VIRTIO_BASE	0x0a000000ULL
#define GHVMM_VIRTIO_STRIDE	0x00000200ULL
#define GHVMM_VIRTIO_SLOTS	32
#define GHVMM_VIRTIO_SPI0	16

#define GHVMM_RAM_BASE		0x40000000ULL
#define GHVMM_RAM_MIN		(16ULL << 20)
#define GHVMM_RAM_MAX		(16ULL << 30)
#define GHVMM_RAM_DEFAULT	(256ULL << 20)

#define GHVMM_MAX_CPUS		64
/* GICR frames for GHVMM_MAX_CPUS must end before the UART. */
_Static_assert(GHVMM_GICR_BASE + GHVMM_MAX_CPUS * GHVMM_GICR_STRIDE <= GHVMM_UART_BASE,
	       "redistributors overlap the UART");

/* ARM generic timer PPIs (INTID = 16 + PPI). */
#define GHVMM_TIMER_PPI_SEC_PHYS	13
#define GHVMM_TIMER_PPI_PHYS		14
#define GHVMM_TIMER_PPI_VIRT		11
#define GHVMM_TIMER_PPI_HYP		10

#define GHVMM_APB_CLOCK_HZ	24000000U
#define GHVMM_DTB_MAX_SIZE	(2ULL << 20)

#endif
