/* SPDX-License-Identifier: BSD-3-Clause */
/* Pure decoders of what the RM sends: notifications and reply payloads. Every input is untrusted. */
#include "rm_internal.h"

static int decode_vm_status(const uint8_t *p, size_t len, struct gh_rm_vm_status_info *out)
{
	if (len != sizeof(struct gh_rm_vm_status_notif) ||
	    rm_get16(p, RM_OFF(gh_rm_vm_status_notif, reserved)))
		return -EIO;
	out->vmid = rm_get16(p, RM_OFF(gh_rm_vm_status_notif, vmid));
	out->vm_status = p[RM_OFF(gh_rm_vm_status_notif, vm_status)];
	out->os_status = p[RM_OFF(gh_rm_vm_status_notif, os_status)];
	out->app_status = rm_get16(p, RM_OFF(gh_rm_vm_status_notif, app_status));
	return 0;
}

static int decode_vm_exited(const uint8_t *p, size_t len, struct gh_rm_vm_exited_info *out)
{
	const size_t hdr = sizeof(struct gh_rm_vm_exited_notif);
	uint32_t size, word0;
	size_t copy;

	if (len < hdr)
		return -EIO;
	size = rm_get32(p, RM_OFF(gh_rm_vm_exited_notif, exit_reason_size));
	/* The reason is exactly the rest of the payload. */
	if (size != len - hdr)
		return -EIO;
	out->vmid = rm_get16(p, RM_OFF(gh_rm_vm_exited_notif, vmid));
	out->exit_type = rm_get16(p, RM_OFF(gh_rm_vm_exited_notif, exit_type));
	out->reason_size = size;
	copy = size < GH_RM_EXIT_REASON_MAX ? size : GH_RM_EXIT_REASON_MAX;
	if (copy)
		__builtin_memcpy(out->reason, p + hdr, copy);
	if (size >= 4) {
		word0 = rm_get32(p, hdr);
		out->has_code = true;
		out->reason_flags = (uint16_t)word0;
		out->exit_code = (uint16_t)(word0 >> GH_RM_VM_EXIT_CODE_SHIFT);
	}
	return 0;
}

void gh_rm_decode_notif(uint32_t msg_id, const void *payload, size_t len, struct gh_rm_notif *out)
{
	const uint8_t *p = payload;

	__builtin_memset(out, 0, sizeof(*out));
	out->msg_id = msg_id;
	out->payload = p;
	out->len = p ? len : 0;
	switch (msg_id) {
	case GH_RM_NOTIF_VM_STATUS:
		out->err = decode_vm_status(p, out->len, &out->u.status);
		break;
	case GH_RM_NOTIF_VM_EXITED:
		out->err = decode_vm_exited(p, out->len, &out->u.exited);
		break;
	default:
		out->err = -ENOENT;
		return;
	}
	if (out->err)
		__builtin_memset(&out->u, 0, sizeof(out->u));
}

int gh_rm_decode_hyp_resources(const void *payload, size_t len, struct gh_rm_hyp_resource *out,
                               size_t max, size_t *n)
{
	const size_t hdr = sizeof(struct gh_rm_hyp_resources_resp);
	const size_t esz = sizeof(struct gh_rm_hyp_resource_entry);
	const uint8_t *p = payload, *e;
	uint32_t count;
	size_t i;

	if (n)
		*n = 0;
	if (!n || (max && !out))
		return -EINVAL;
	if (!p || len < hdr)
		return -EIO;
	count = rm_get32(p, RM_OFF(gh_rm_hyp_resources_resp, n_entries));
	/* The count must describe the payload exactly (and so is bounded by it). */
	if (count > (len - hdr) / esz || len != hdr + (size_t)count * esz)
		return -EIO;
	for (i = 0; i < count; i++) {
		e = p + hdr + i * esz;
		if (e[RM_OFF(gh_rm_hyp_resource_entry, reserved)])
			return -EIO;
	}
	*n = count;
	if (count > max)
		return -ENOSPC;
	for (i = 0; i < count; i++) {
		e = p + hdr + i * esz;
		__builtin_memset(&out[i], 0, sizeof(out[i]));
		out[i].type = e[RM_OFF(gh_rm_hyp_resource_entry, type)];
		out[i].partner_vmid = rm_get16(e, RM_OFF(gh_rm_hyp_resource_entry, partner_vmid));
		out[i].handle = rm_get32(e, RM_OFF(gh_rm_hyp_resource_entry, resource_handle));
		out[i].label = rm_get32(e, RM_OFF(gh_rm_hyp_resource_entry, resource_label));
		out[i].capid = rm_get64(e, RM_OFF(gh_rm_hyp_resource_entry, cap_id_lo));
		out[i].virq_handle = rm_get32(e, RM_OFF(gh_rm_hyp_resource_entry, virq_handle));
		out[i].virq = rm_get32(e, RM_OFF(gh_rm_hyp_resource_entry, virq));
		out[i].base = rm_get64(e, RM_OFF(gh_rm_hyp_resource_entry, base_lo));
		out[i].size = rm_get64(e, RM_OFF(gh_rm_hyp_resource_entry, size_lo));
	}
	return 0;
}

const char *gh_rm_msg_name(uint32_t msg_id)
{
	switch (msg_id) {
	case GH_RM_MSG_MEM_LEND:
		return "MEM_LEND";
	case GH_RM_MSG_MEM_SHARE:
		return "MEM_SHARE";
	case GH_RM_MSG_MEM_RECLAIM:
		return "MEM_RECLAIM";
	case GH_RM_MSG_MEM_APPEND:
		return "MEM_APPEND";
	case GH_RM_MSG_VM_ALLOC_VMID:
		return "VM_ALLOC_VMID";
	case GH_RM_MSG_VM_DEALLOC_VMID:
		return "VM_DEALLOC_VMID";
	case GH_RM_MSG_VM_START:
		return "VM_START";
	case GH_RM_MSG_VM_STOP:
		return "VM_STOP";
	case GH_RM_MSG_VM_RESET:
		return "VM_RESET";
	case GH_RM_MSG_VM_CONFIG_IMAGE:
		return "VM_CONFIG_IMAGE";
	case GH_RM_MSG_VM_INIT:
		return "VM_INIT";
	case GH_RM_MSG_VM_GET_HYP_RESOURCES:
		return "VM_GET_HYP_RESOURCES";
	case GH_RM_MSG_VM_GET_VMID:
		return "VM_GET_VMID";
	case GH_RM_MSG_VM_SET_BOOT_CONTEXT:
		return "VM_SET_BOOT_CONTEXT";
	case GH_RM_MSG_VM_SET_FIRMWARE_MEM:
		return "VM_SET_FIRMWARE_MEM";
	case GH_RM_MSG_VM_SET_ADDRESS_LAYOUT:
		return "VM_SET_ADDRESS_LAYOUT";
	case GH_RM_NOTIF_VM_EXITED:
		return "VM_EXITED";
	case GH_RM_NOTIF_VM_STATUS:
		return "VM_STATUS";
	default:
		return NULL;
	}
}
