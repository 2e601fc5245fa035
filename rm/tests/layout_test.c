/* SPDX-License-Identifier: BSD-3-Clause */
/* Layout of every RM RPC wire struct: size and every field's offset, built with -Wpadded. */
#include <stddef.h>
#include <stdio.h>

#include <gunyah/rm_rpc.h>

#define SZ(t, n)     _Static_assert(sizeof(struct t) == (n), #t " size")
#define OFF(t, f, n) _Static_assert(offsetof(struct t, f) == (n), #t "." #f " offset")

SZ(gh_rm_rpc_hdr, 8);
OFF(gh_rm_rpc_hdr, api, 0);
OFF(gh_rm_rpc_hdr, type, 1);
OFF(gh_rm_rpc_hdr, seq, 2);
OFF(gh_rm_rpc_hdr, msg_id, 4);

SZ(gh_rm_rpc_reply_hdr, 12);
OFF(gh_rm_rpc_reply_hdr, hdr, 0);
OFF(gh_rm_rpc_reply_hdr, err_code, 8);

SZ(gh_rm_vm_common_req, 4);
OFF(gh_rm_vm_common_req, vmid, 0);
OFF(gh_rm_vm_common_req, reserved, 2);

SZ(gh_rm_vm_alloc_vmid_resp, 4);
OFF(gh_rm_vm_alloc_vmid_resp, vmid, 0);

SZ(gh_rm_vm_stop_req, 8);
OFF(gh_rm_vm_stop_req, vmid, 0);
OFF(gh_rm_vm_stop_req, flags, 2);
OFF(gh_rm_vm_stop_req, reserved, 3);
OFF(gh_rm_vm_stop_req, stop_reason, 4);

SZ(gh_rm_vm_config_image_req, 40);
OFF(gh_rm_vm_config_image_req, vmid, 0);
OFF(gh_rm_vm_config_image_req, auth_mech, 2);
OFF(gh_rm_vm_config_image_req, mem_handle, 4);
OFF(gh_rm_vm_config_image_req, image_offset, 8);
OFF(gh_rm_vm_config_image_req, image_size, 16);
OFF(gh_rm_vm_config_image_req, dtb_offset, 24);
OFF(gh_rm_vm_config_image_req, dtb_size, 32);

SZ(gh_rm_vm_get_vmid_resp, 4);
OFF(gh_rm_vm_get_vmid_resp, vmid, 0);

SZ(gh_rm_vm_set_firmware_mem_req, 24);
OFF(gh_rm_vm_set_firmware_mem_req, vmid, 0);
OFF(gh_rm_vm_set_firmware_mem_req, reserved, 2);
OFF(gh_rm_vm_set_firmware_mem_req, fw_mem_handle, 4);
OFF(gh_rm_vm_set_firmware_mem_req, fw_offset, 8);
OFF(gh_rm_vm_set_firmware_mem_req, fw_size, 16);

SZ(gh_rm_vm_set_address_layout_req, 24);
OFF(gh_rm_vm_set_address_layout_req, vmid, 0);
OFF(gh_rm_vm_set_address_layout_req, reserved, 2);
OFF(gh_rm_vm_set_address_layout_req, range_id, 4);
OFF(gh_rm_vm_set_address_layout_req, base, 8);
OFF(gh_rm_vm_set_address_layout_req, size, 16);

SZ(gh_rm_vm_set_boot_context_req, 16);
OFF(gh_rm_vm_set_boot_context_req, vmid, 0);
OFF(gh_rm_vm_set_boot_context_req, reg_set, 2);
OFF(gh_rm_vm_set_boot_context_req, reg_index, 3);
OFF(gh_rm_vm_set_boot_context_req, reserved, 4);
OFF(gh_rm_vm_set_boot_context_req, value, 8);

SZ(gh_rm_hyp_resources_resp, 4);
OFF(gh_rm_hyp_resources_resp, n_entries, 0);

SZ(gh_rm_hyp_resource_entry, 44);
OFF(gh_rm_hyp_resource_entry, type, 0);
OFF(gh_rm_hyp_resource_entry, reserved, 1);
OFF(gh_rm_hyp_resource_entry, partner_vmid, 2);
OFF(gh_rm_hyp_resource_entry, resource_handle, 4);
OFF(gh_rm_hyp_resource_entry, resource_label, 8);
OFF(gh_rm_hyp_resource_entry, cap_id_lo, 12);
OFF(gh_rm_hyp_resource_entry, cap_id_hi, 16);
OFF(gh_rm_hyp_resource_entry, virq_handle, 20);
OFF(gh_rm_hyp_resource_entry, virq, 24);
OFF(gh_rm_hyp_resource_entry, base_lo, 28);
OFF(gh_rm_hyp_resource_entry, base_hi, 32);
OFF(gh_rm_hyp_resource_entry, size_lo, 36);
OFF(gh_rm_hyp_resource_entry, size_hi, 40);

SZ(gh_rm_mem_share_req_hdr, 8);
OFF(gh_rm_mem_share_req_hdr, mem_type, 0);
OFF(gh_rm_mem_share_req_hdr, reserved0, 1);
OFF(gh_rm_mem_share_req_hdr, flags, 2);
OFF(gh_rm_mem_share_req_hdr, reserved1, 3);
OFF(gh_rm_mem_share_req_hdr, label, 4);

SZ(gh_rm_mem_list_hdr, 4);
OFF(gh_rm_mem_list_hdr, n_entries, 0);
OFF(gh_rm_mem_list_hdr, reserved, 2);

SZ(gh_rm_mem_acl_entry, 4);
OFF(gh_rm_mem_acl_entry, vmid, 0);
OFF(gh_rm_mem_acl_entry, perms, 2);
OFF(gh_rm_mem_acl_entry, reserved, 3);

SZ(gh_rm_mem_sgl_entry, 16);
OFF(gh_rm_mem_sgl_entry, phys_addr, 0);
OFF(gh_rm_mem_sgl_entry, size, 8);

SZ(gh_rm_mem_attr_entry, 4);
OFF(gh_rm_mem_attr_entry, attr, 0);
OFF(gh_rm_mem_attr_entry, vmid, 2);

SZ(gh_rm_mem_handle_resp, 4);
OFF(gh_rm_mem_handle_resp, mem_handle, 0);

SZ(gh_rm_mem_append_req_hdr, 8);
OFF(gh_rm_mem_append_req_hdr, mem_handle, 0);
OFF(gh_rm_mem_append_req_hdr, flags, 4);
OFF(gh_rm_mem_append_req_hdr, reserved, 5);

SZ(gh_rm_mem_reclaim_req, 8);
OFF(gh_rm_mem_reclaim_req, mem_handle, 0);
OFF(gh_rm_mem_reclaim_req, flags, 4);
OFF(gh_rm_mem_reclaim_req, reserved, 5);

SZ(gh_rm_vm_status_notif, 8);
OFF(gh_rm_vm_status_notif, vmid, 0);
OFF(gh_rm_vm_status_notif, reserved, 2);
OFF(gh_rm_vm_status_notif, vm_status, 4);
OFF(gh_rm_vm_status_notif, os_status, 5);
OFF(gh_rm_vm_status_notif, app_status, 6);

SZ(gh_rm_vm_exited_notif, 8);
OFF(gh_rm_vm_exited_notif, vmid, 0);
OFF(gh_rm_vm_exited_notif, exit_type, 2);
OFF(gh_rm_vm_exited_notif, exit_reason_size, 4);

/* Framing constants. */
_Static_assert(GH_RM_RPC_API_BYTE == 0x21, "api byte");
_Static_assert(GH_RM_RPC_PAYLOAD_SIZE == 232, "payload per message");
_Static_assert(GH_RM_RPC_MAX_PAYLOAD == 14616, "max payload");

int main(void)
{
	/* Everything is checked at compile time. */
	puts("rm layout ok");
	return 0;
}
