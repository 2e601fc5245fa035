/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The resource manager's RPC wire format: framing constants, message ids,
 * RM error codes and the payload layout of every call and notification the
 * client speaks. Everything on the wire is little-endian; the structs below
 * give the layout (offsets and sizes, checked by tests/layout_test.c) and the
 * code reads and writes them field by field with explicit byte order, so the
 * structs are never copied to or from a message as a whole.
 *
 * Where each fact comes from: rm/README.md.
 */
#ifndef GUNYAH_RM_RPC_H
#define GUNYAH_RM_RPC_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* --- framing ------------------------------------------------------------- */

#define GH_RM_RPC_MSG_SIZE        240U /* one message-queue message, at most */
#define GH_RM_RPC_HDR_SIZE        8U
#define GH_RM_RPC_API_VERSION     1U                        /* api byte, bits 3:0 */
#define GH_RM_RPC_HDR_WORDS       (GH_RM_RPC_HDR_SIZE / 4U) /* bits 7:4 */
#define GH_RM_RPC_API_BYTE        ((GH_RM_RPC_HDR_WORDS << 4) | GH_RM_RPC_API_VERSION)
#define GH_RM_RPC_TYPE_MASK       0x03U /* type byte, bits 1:0 */
#define GH_RM_RPC_FRAGMENTS_SHIFT 2     /* type byte, bits 7:2 */
#define GH_RM_RPC_MAX_FRAGMENTS   62U   /* continuations after the first message */
#define GH_RM_RPC_PAYLOAD_SIZE    (GH_RM_RPC_MSG_SIZE - GH_RM_RPC_HDR_SIZE) /* 232 */
#define GH_RM_RPC_MAX_PAYLOAD     (GH_RM_RPC_PAYLOAD_SIZE * (GH_RM_RPC_MAX_FRAGMENTS + 1U)) /* 14616 */

enum gh_rm_rpc_type {
	GH_RM_RPC_TYPE_CONTINUATION = 0,
	GH_RM_RPC_TYPE_REQUEST = 1,
	GH_RM_RPC_TYPE_REPLY = 2,
	GH_RM_RPC_TYPE_NOTIF = 3,
};

/* The header of every message. A continuation repeats the first message's
 * fragment count, sequence number and message id. */
struct gh_rm_rpc_hdr {
	uint8_t api;  /* GH_RM_RPC_API_BYTE */
	uint8_t type; /* fragments << 2 | enum gh_rm_rpc_type */
	uint16_t seq;
	uint32_t msg_id;
};

/* The first message of a reply: the RM's error code leads the payload. */
struct gh_rm_rpc_reply_hdr {
	struct gh_rm_rpc_hdr hdr;
	uint32_t err_code; /* enum gh_rm_error */
};

/* --- message ids ------------------------------------------------------------ */

enum gh_rm_msg_id {
	/* memory parcels */
	GH_RM_MSG_MEM_LEND = 0x51000012U,
	GH_RM_MSG_MEM_SHARE = 0x51000013U,
	GH_RM_MSG_MEM_RECLAIM = 0x51000015U,
	GH_RM_MSG_MEM_APPEND = 0x51000018U,
	/* VM management */
	GH_RM_MSG_VM_ALLOC_VMID = 0x56000001U,
	GH_RM_MSG_VM_DEALLOC_VMID = 0x56000002U,
	GH_RM_MSG_VM_START = 0x56000004U,
	GH_RM_MSG_VM_STOP = 0x56000005U,
	GH_RM_MSG_VM_RESET = 0x56000006U,
	GH_RM_MSG_VM_CONFIG_IMAGE = 0x56000009U,
	GH_RM_MSG_VM_INIT = 0x5600000bU,
	GH_RM_MSG_VM_GET_HYP_RESOURCES = 0x56000020U,
	GH_RM_MSG_VM_GET_VMID = 0x56000024U, /* the caller's own vmid */
	GH_RM_MSG_VM_SET_BOOT_CONTEXT = 0x56000031U,
	GH_RM_MSG_VM_SET_FIRMWARE_MEM = 0x56000032U,
	GH_RM_MSG_VM_SET_ADDRESS_LAYOUT = 0x56000034U,
	/* notifications */
	GH_RM_NOTIF_VM_EXITED = 0x56100001U,
	GH_RM_NOTIF_VM_STATUS = 0x56100008U,
};

/* --- RM error codes (first word of every reply) ------------------------------ */

enum gh_rm_error {
	GH_RM_ERROR_OK = 0x0U,
	GH_RM_ERROR_NOMEM = 0x1U,
	GH_RM_ERROR_NORESOURCE = 0x2U,
	GH_RM_ERROR_DENIED = 0x3U,
	GH_RM_ERROR_MSG_INVALID = 0x4U,
	GH_RM_ERROR_BUSY = 0x5U,
	GH_RM_ERROR_ARGUMENT_INVALID = 0x6U,
	GH_RM_ERROR_HANDLE_INVALID = 0x7U,
	GH_RM_ERROR_VALIDATE_FAILED = 0x8U,
	GH_RM_ERROR_MAP_FAILED = 0x9U,
	GH_RM_ERROR_MEM_INVALID = 0xaU,
	GH_RM_ERROR_MEM_INUSE = 0xbU,
	GH_RM_ERROR_MEM_RELEASED = 0xcU,
	GH_RM_ERROR_VMID_INVALID = 0xdU,
	GH_RM_ERROR_LOOKUP_FAILED = 0xeU,
	GH_RM_ERROR_IRQ_INVALID = 0xfU,
	GH_RM_ERROR_IRQ_INUSE = 0x10U,
	GH_RM_ERROR_IRQ_RELEASED = 0x11U,
	GH_RM_ERROR_IN_USE = 0x12U,
	GH_RM_ERROR_IRQ_NOT_MAPPED = 0x13U,
	GH_RM_ERROR_VM_STATE = 0x14U,
	GH_RM_ERROR_UNIMPLEMENTED = 0xffffffffU,
};

/* --- VM management payloads ------------------------------------------------------- */

/* VM_ALLOC_VMID (vmid 0: any free one), VM_DEALLOC_VMID, VM_START, VM_RESET,
 * VM_INIT (reserved must be 0), VM_GET_HYP_RESOURCES. */
struct gh_rm_vm_common_req {
	uint16_t vmid;
	uint16_t reserved;
};

/* VM_ALLOC_VMID reply payload when the request asked for vmid 0. */
struct gh_rm_vm_alloc_vmid_resp {
	uint32_t vmid; /* a 16-bit vmid in a 32-bit word */
};

#define GH_RM_VM_STOP_FLAG_FORCE   0x01U
#define GH_RM_VM_STOP_REASON_FORCE 3U /* what Linux sends with FORCE */

struct gh_rm_vm_stop_req {
	uint16_t vmid;
	uint8_t flags; /* GH_RM_VM_STOP_FLAG_* */
	uint8_t reserved;
	uint32_t stop_reason;
};

enum gh_rm_vm_auth_mech {
	GH_RM_VM_AUTH_NONE = 0,
	GH_RM_VM_AUTH_QCOM_PIL_ELF = 1,
	GH_RM_VM_AUTH_QCOM_ANDROID_PVM = 2,
};

/* VM_CONFIG_IMAGE: offsets are relative to the start of parcel mem_handle. */
struct gh_rm_vm_config_image_req {
	uint16_t vmid;
	uint16_t auth_mech; /* enum gh_rm_vm_auth_mech */
	uint32_t mem_handle;
	uint64_t image_offset;
	uint64_t image_size;
	uint64_t dtb_offset;
	uint64_t dtb_size;
};

enum gh_rm_boot_context_reg_set {
	GH_RM_BOOT_CONTEXT_REG_SET_X = 0,  /* index 0..31 */
	GH_RM_BOOT_CONTEXT_REG_SET_PC = 1, /* index 0 */
	GH_RM_BOOT_CONTEXT_REG_SET_SP = 2, /* index 0..2: SP_EL0..SP_EL2 */
};

struct gh_rm_vm_set_boot_context_req {
	uint16_t vmid;
	uint8_t reg_set; /* enum gh_rm_boot_context_reg_set */
	uint8_t reg_index;
	uint32_t reserved;
	uint64_t value;
};

/* VM_GET_VMID: an empty request; the reply payload is one word. */
struct gh_rm_vm_get_vmid_resp {
	uint32_t vmid; /* the caller's vmid, 16 bits in a 32-bit word */
};

/* VM_SET_FIRMWARE_MEM: the firmware lives in parcel fw_mem_handle at
 * fw_offset (relative to the parcel), fw_size bytes. */
struct gh_rm_vm_set_firmware_mem_req {
	uint16_t vmid;
	uint16_t reserved;
	uint32_t fw_mem_handle;
	uint64_t fw_offset;
	uint64_t fw_size;
};

enum gh_rm_address_range_id {
	GH_RM_RANGE_ID_IMAGE = 0,    /* the parcel of VM_CONFIG_IMAGE */
	GH_RM_RANGE_ID_FIRMWARE = 1, /* the parcel of VM_SET_FIRMWARE_MEM */
};

/* VM_SET_ADDRESS_LAYOUT: where (guest physical) the range's parcel goes. */
struct gh_rm_vm_set_address_layout_req {
	uint16_t vmid;
	uint16_t reserved;
	uint32_t range_id; /* enum gh_rm_address_range_id */
	uint64_t base;
	uint64_t size;
};

/* VM_GET_HYP_RESOURCES reply payload: this header, then n_entries entries. */
struct gh_rm_hyp_resources_resp {
	uint32_t n_entries;
};

enum gh_rm_resource_type {
	GH_RM_RESOURCE_BELL_TX = 0, /* doorbell source: the host rings it */
	GH_RM_RESOURCE_BELL_RX = 1,
	GH_RM_RESOURCE_MSGQ_TX = 2,
	GH_RM_RESOURCE_MSGQ_RX = 3,
	GH_RM_RESOURCE_VCPU = 4, /* label = vCPU index, virq = wake-up */
	GH_RM_RESOURCE_VIRTUAL_PM = 5,
	GH_RM_RESOURCE_VIRTIO_MMIO = 6,
	GH_RM_RESOURCE_VRTC = 7,
	GH_RM_RESOURCE_WATCHDOG = 8,
};

/* One entry, 44 bytes: the 64-bit fields sit at 4-byte alignment, so they
 * are given as low/high words, as the RM's own definition does. */
struct gh_rm_hyp_resource_entry {
	uint8_t type; /* enum gh_rm_resource_type */
	uint8_t reserved;
	uint16_t partner_vmid;
	uint32_t resource_handle;
	uint32_t resource_label;
	uint32_t cap_id_lo;
	uint32_t cap_id_hi;
	uint32_t virq_handle;
	uint32_t virq;
	uint32_t base_lo;
	uint32_t base_hi;
	uint32_t size_lo;
	uint32_t size_hi;
};

/* --- memory parcel payloads ----------------------------------------------------------- */

#define GH_RM_MEM_TYPE_NORMAL 0U
#define GH_RM_MEM_TYPE_IO     1U

#define GH_RM_MEM_SHARE_FLAG_SANITIZE   0x01U
#define GH_RM_MEM_SHARE_FLAG_APPEND     0x02U /* more entries follow in MEM_APPEND */
#define GH_RM_MEM_APPEND_FLAG_END       0x01U /* the last MEM_APPEND */
#define GH_RM_MEM_RECLAIM_FLAG_SANITIZE 0x01U

#define GH_RM_ACL_X 0x1U
#define GH_RM_ACL_W 0x2U
#define GH_RM_ACL_R 0x4U

#define GH_RM_MEM_ATTR_NORMAL   0U
#define GH_RM_MEM_ATTR_DEVICE   1U
#define GH_RM_MEM_ATTR_UNCACHED 2U
#define GH_RM_MEM_ATTR_CACHED   3U

/* The RM reads at most this many entries from any one list. */
#define GH_RM_MEM_MAX_LIST_ENTRIES 512U
#define GH_RM_MEM_HANDLE_INVALID   0xffffffffU

/*
 * MEM_LEND / MEM_SHARE request:
 *   gh_rm_mem_share_req_hdr,
 *   gh_rm_mem_list_hdr + n  x gh_rm_mem_acl_entry   (who gets access),
 *   gh_rm_mem_list_hdr + n  x gh_rm_mem_sgl_entry   (the ranges),
 *   gh_rm_mem_list_hdr + n  x gh_rm_mem_attr_entry  (may be 0 entries).
 * Reply payload: gh_rm_mem_handle_resp.
 */
struct gh_rm_mem_share_req_hdr {
	uint8_t mem_type; /* GH_RM_MEM_TYPE_* */
	uint8_t reserved0;
	uint8_t flags; /* GH_RM_MEM_SHARE_FLAG_* */
	uint8_t reserved1;
	uint32_t label;
};

struct gh_rm_mem_list_hdr {
	uint16_t n_entries;
	uint16_t reserved;
};

struct gh_rm_mem_acl_entry {
	uint16_t vmid;
	uint8_t perms; /* GH_RM_ACL_* */
	uint8_t reserved;
};

struct gh_rm_mem_sgl_entry {
	uint64_t phys_addr; /* the owner's (intermediate) physical address */
	uint64_t size;
};

struct gh_rm_mem_attr_entry {
	uint16_t attr; /* GH_RM_MEM_ATTR_* */
	uint16_t vmid;
};

struct gh_rm_mem_handle_resp {
	uint32_t mem_handle;
};

/* MEM_APPEND request: this header, then gh_rm_mem_list_hdr + sgl entries. */
struct gh_rm_mem_append_req_hdr {
	uint32_t mem_handle;
	uint8_t flags; /* GH_RM_MEM_APPEND_FLAG_* */
	uint8_t reserved[3];
};

struct gh_rm_mem_reclaim_req {
	uint32_t mem_handle;
	uint8_t flags; /* GH_RM_MEM_RECLAIM_FLAG_* */
	uint8_t reserved[3];
};

/* --- notification payloads -------------------------------------------------------------- */

enum gh_rm_vm_status {
	GH_RM_VM_STATUS_NO_STATE = 0,
	GH_RM_VM_STATUS_INIT = 1,
	GH_RM_VM_STATUS_READY = 2,
	GH_RM_VM_STATUS_RUNNING = 3,
	GH_RM_VM_STATUS_PAUSED = 4,
	GH_RM_VM_STATUS_LOAD = 5,
	GH_RM_VM_STATUS_AUTH = 6,
	GH_RM_VM_STATUS_INIT_FAILED = 8,
	GH_RM_VM_STATUS_EXITED = 9,
	GH_RM_VM_STATUS_RESETTING = 10,
	GH_RM_VM_STATUS_RESET = 11,
};

struct gh_rm_vm_status_notif {
	uint16_t vmid;
	uint16_t reserved;
	uint8_t vm_status; /* enum gh_rm_vm_status */
	uint8_t os_status;
	uint16_t app_status;
};

enum gh_rm_vm_exit_type {
	GH_RM_VM_EXIT_TYPE_VM_EXIT = 0,
	GH_RM_VM_EXIT_TYPE_PLATFORM_OFF = 1,
	GH_RM_VM_EXIT_TYPE_PLATFORM_RESET = 2,
	GH_RM_VM_EXIT_TYPE_PSCI_SYSTEM_RESET2 = 3,
	GH_RM_VM_EXIT_TYPE_WATCHDOG_BITE = 4,
	GH_RM_VM_EXIT_TYPE_SOFTWARE_ERROR = 5,
	GH_RM_VM_EXIT_TYPE_ASYNC_HW_ERROR = 6,
	GH_RM_VM_EXIT_TYPE_VM_STOP_FORCED = 7,
};

/* This header, then exit_reason_size bytes of reason: word 0 is
 * flags (bit 0: restart) | exit code << 16, then type-specific words. */
struct gh_rm_vm_exited_notif {
	uint16_t vmid;
	uint16_t exit_type; /* enum gh_rm_vm_exit_type */
	uint32_t exit_reason_size;
};

#define GH_RM_VM_EXIT_REASON_FLAG_RESTART 0x1U
#define GH_RM_VM_EXIT_CODE_SHIFT          16

/* The exit code in bits 31:16 of the reason's word 0. */
enum gh_rm_vm_exit_code {
	GH_RM_VM_EXIT_CODE_NORMAL = 0,
	GH_RM_VM_EXIT_CODE_SOFTWARE_ERROR = 1,
	GH_RM_VM_EXIT_CODE_UNKNOWN_ERROR = 2,
	GH_RM_VM_EXIT_CODE_BUS_ERROR = 3,
	GH_RM_VM_EXIT_CODE_DEVICE_ERROR = 4,
};

#ifdef __cplusplus
}
#endif

#endif /* GUNYAH_RM_RPC_H */
