/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The guest platform ghvmm builds: QEMU `virt`'s memory map, so that one
 * image boots on both, and the one description of a machine (its devices
 * with their kind, window and interrupt) that both the device tree and the
 * device models are made from.
 */
#ifndef GHVMM_MACHINE_H
#define GHVMM_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "options.h"

/* --bios: two read-only 64 MiB flash banks, as QEMU virt's: the firmware in
 * bank 0; bank 1 (where U-Boot looks for its environment) reads as zeroes. */
#define GHVMM_FLASH_BASE      0x00000000ULL
#define GHVMM_FLASH_BANK_SIZE 0x04000000ULL
#define GHVMM_FLASH_SIZE      (2 * GHVMM_FLASH_BANK_SIZE)

#define GHVMM_GICD_BASE   0x08000000ULL
#define GHVMM_GICD_SIZE   0x00010000ULL
#define GHVMM_GICR_BASE   0x080a0000ULL
#define GHVMM_GICR_STRIDE 0x00020000ULL /* per vCPU: RD + SGI frames */

#define GHVMM_UART_BASE 0x09000000ULL
#define GHVMM_UART_SIZE 0x00001000ULL
#define GHVMM_UART_SPI  1
#define GHVMM_RTC_BASE  0x09010000ULL
#define GHVMM_RTC_SIZE  0x00001000ULL
#define GHVMM_RTC_SPI   2

#define GHVMM_VIRTIO_BASE   0x0a000000ULL
#define GHVMM_VIRTIO_STRIDE 0x00000200ULL
#define GHVMM_VIRTIO_SLOTS  32
#define GHVMM_VIRTIO_SPI0   16

#define GHVMM_RAM_BASE    0x40000000ULL
#define GHVMM_RAM_MIN     (16ULL << 20)
#define GHVMM_RAM_MAX     (16ULL << 30)
#define GHVMM_RAM_DEFAULT (256ULL << 20)

#define GHVMM_MAX_CPUS 64
/* GICR frames for GHVMM_MAX_CPUS must end before the UART. */
_Static_assert(GHVMM_GICR_BASE + GHVMM_MAX_CPUS * GHVMM_GICR_STRIDE <= GHVMM_UART_BASE,
               "redistributors overlap the UART");

/* ARM generic timer PPIs (INTID = 16 + PPI). */
#define GHVMM_TIMER_PPI_SEC_PHYS 13
#define GHVMM_TIMER_PPI_PHYS     14
#define GHVMM_TIMER_PPI_VIRT     11
#define GHVMM_TIMER_PPI_HYP      10

#define GHVMM_APB_CLOCK_HZ 24000000U
#define GHVMM_DTB_MAX_SIZE (2ULL << 20)

/* SPIs a DTB can name: 0..987 (GIC INTIDs 32..1019). */
#define GHVMM_MAX_SPI   987
/* Device interrupts travel as irqfds whose doorbells raise SPIs: labels
 * 0..GHVMM_DOORBELLS-1, label = the SPI number. */
#define GHVMM_DOORBELLS 32

/* --- the machine description ----------------------------------------------------- */

enum ghvmm_dev_kind {
	GHVMM_DEV_PL011,
	GHVMM_DEV_PL031,
	GHVMM_DEV_VIRTIO_CONSOLE,
	GHVMM_DEV_VIRTIO_BLK,
	GHVMM_DEV_VIRTIO_RNG,
	GHVMM_DEV_KINDS,
};

/**
 * struct ghvmm_dev_desc - one device of the machine
 * @kind: the model
 * @name: what --stats calls it ("pl011", "virtio-blk", ...)
 * @base: @size: its MMIO window: the DTB node's reg and its range on the bus
 * @spi: its interrupt, SPI @spi (GIC INTID 32 + @spi); the irqfd's label
 * @edge: edge-triggered (virtio-mmio), else level-high
 * @index: virtio-blk: which --disk
 */
struct ghvmm_dev_desc {
	enum ghvmm_dev_kind kind;
	const char *name;
	uint64_t base, size;
	uint32_t spi;
	bool edge;
	unsigned int index;
};

/* The PL011, the PL031 and every virtio-mmio slot. */
#define GHVMM_MAX_DEVS (2 + GHVMM_VIRTIO_SLOTS)

struct ghvmm_machine {
	unsigned int cpus; /* MPIDR Aff0 = index */
	uint64_t ram_size; /* RAM at GHVMM_RAM_BASE */
	struct ghvmm_dev_desc devs[GHVMM_MAX_DEVS];
	unsigned int ndevs;
};

/*
 * The machine @o asks for: the PL011 and the PL031, then one virtio-mmio
 * slot each, in this order, for the virtio console (--console virtio), every
 * --disk and --rng; slot n at GHVMM_VIRTIO_BASE + n * GHVMM_VIRTIO_STRIDE
 * with SPI GHVMM_VIRTIO_SPI0 + n. -EINVAL with a message in @err when the
 * devices do not fit the slots.
 */
int ghvmm_machine_describe(const struct ghvmm_options *o, struct ghvmm_machine *m, char *err,
                           size_t errlen);

/* Whether @kind sits in a virtio-mmio slot. */
bool ghvmm_dev_is_virtio(enum ghvmm_dev_kind kind);

#endif
