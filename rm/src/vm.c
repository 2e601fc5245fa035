/* SPDX-License-Identifier: BSD-3-Clause */
/* The VM management calls: vmid, image config, init, boot context, resources, start/stop/reset. */
#include "rm_internal.h"

static int vmid_call(struct gh_rm *rm, uint32_t msg_id, uint16_t vmid)
{
	uint8_t req[sizeof(struct gh_rm_vm_common_req)] = { 0 };

	rm_put16(req, RM_OFF(gh_rm_vm_common_req, vmid), vmid);
	return rm_call_uninterruptible(rm, msg_id, req, sizeof(req));
}

int gh_rm_vm_alloc_vmid(struct gh_rm *rm, uint16_t want, uint16_t *vmid)
{
	uint8_t req[sizeof(struct gh_rm_vm_common_req)] = { 0 };
	uint8_t *resp = NULL;
	size_t len = 0;
	uint32_t got;
	int ret;

	if (!vmid)
		return -EINVAL;
	rm_put16(req, RM_OFF(gh_rm_vm_common_req, vmid), want);
	ret = rm_call_typed(rm, GH_RM_MSG_VM_ALLOC_VMID, req, sizeof(req), (void **)&resp, &len);
	if (ret)
		return ret;
	if (want) {
		/* A requested vmid is confirmed by an empty reply. */
		ret = len ? -EIO : 0;
		got = want;
	} else if (len != sizeof(struct gh_rm_vm_alloc_vmid_resp)) {
		ret = -EIO;
	} else {
		got = rm_get32(resp, RM_OFF(gh_rm_vm_alloc_vmid_resp, vmid));
		/* A vmid is 16 bits and 0 is no VM: anything else is a malformed reply. */
		if (!got || got > 0xffffU)
			ret = -EIO;
	}
	gh_os_free(resp);
	if (!ret)
		*vmid = (uint16_t)got;
	return ret;
}

int gh_rm_vm_dealloc_vmid(struct gh_rm *rm, uint16_t vmid)
{
	return vmid_call(rm, GH_RM_MSG_VM_DEALLOC_VMID, vmid);
}

int gh_rm_vm_start(struct gh_rm *rm, uint16_t vmid)
{
	return vmid_call(rm, GH_RM_MSG_VM_START, vmid);
}

int gh_rm_vm_reset(struct gh_rm *rm, uint16_t vmid)
{
	return vmid_call(rm, GH_RM_MSG_VM_RESET, vmid);
}

int gh_rm_vm_init(struct gh_rm *rm, uint16_t vmid)
{
	return vmid_call(rm, GH_RM_MSG_VM_INIT, vmid);
}

int gh_rm_get_vmid(struct gh_rm *rm, uint16_t *vmid)
{
	uint8_t *resp = NULL;
	size_t len = 0;
	uint32_t got = 0;
	int ret;

	if (!vmid)
		return -EINVAL;
	ret = rm_call_typed(rm, GH_RM_MSG_VM_GET_VMID, NULL, 0, (void **)&resp, &len);
	if (ret)
		return ret;
	if (len != sizeof(struct gh_rm_vm_get_vmid_resp))
		ret = -EIO;
	else
		got = rm_get32(resp, RM_OFF(gh_rm_vm_get_vmid_resp, vmid));
	if (!ret && (!got || got > 0xffffU))
		ret = -EIO;
	gh_os_free(resp);
	if (!ret)
		*vmid = (uint16_t)got;
	return ret;
}

int gh_rm_vm_set_firmware_mem(struct gh_rm *rm, uint16_t vmid, uint32_t handle, uint64_t offset,
                              uint64_t size)
{
	uint8_t req[sizeof(struct gh_rm_vm_set_firmware_mem_req)] = { 0 };

	if (offset + size < offset)
		return -EINVAL;
	rm_put16(req, RM_OFF(gh_rm_vm_set_firmware_mem_req, vmid), vmid);
	rm_put32(req, RM_OFF(gh_rm_vm_set_firmware_mem_req, fw_mem_handle), handle);
	rm_put64(req, RM_OFF(gh_rm_vm_set_firmware_mem_req, fw_offset), offset);
	rm_put64(req, RM_OFF(gh_rm_vm_set_firmware_mem_req, fw_size), size);
	return rm_call_typed(rm, GH_RM_MSG_VM_SET_FIRMWARE_MEM, req, sizeof(req), NULL, NULL);
}

int gh_rm_vm_set_address_layout(struct gh_rm *rm, uint16_t vmid, uint32_t range_id, uint64_t base,
                                uint64_t size)
{
	uint8_t req[sizeof(struct gh_rm_vm_set_address_layout_req)] = { 0 };

	if (range_id > GH_RM_RANGE_ID_FIRMWARE || base + size < base)
		return -EINVAL;
	rm_put16(req, RM_OFF(gh_rm_vm_set_address_layout_req, vmid), vmid);
	rm_put32(req, RM_OFF(gh_rm_vm_set_address_layout_req, range_id), range_id);
	rm_put64(req, RM_OFF(gh_rm_vm_set_address_layout_req, base), base);
	rm_put64(req, RM_OFF(gh_rm_vm_set_address_layout_req, size), size);
	return rm_call_typed(rm, GH_RM_MSG_VM_SET_ADDRESS_LAYOUT, req, sizeof(req), NULL, NULL);
}

int gh_rm_vm_stop(struct gh_rm *rm, uint16_t vmid, uint8_t flags, uint32_t reason)
{
	uint8_t req[sizeof(struct gh_rm_vm_stop_req)] = { 0 };

	if (flags & ~GH_RM_VM_STOP_FLAG_FORCE)
		return -EINVAL;
	rm_put16(req, RM_OFF(gh_rm_vm_stop_req, vmid), vmid);
	rm_put8(req, RM_OFF(gh_rm_vm_stop_req, flags), flags);
	rm_put32(req, RM_OFF(gh_rm_vm_stop_req, stop_reason), reason);
	return rm_call_uninterruptible(rm, GH_RM_MSG_VM_STOP, req, sizeof(req));
}

int gh_rm_vm_config_image(struct gh_rm *rm, const struct gh_rm_vm_image_config *cfg)
{
	uint8_t req[sizeof(struct gh_rm_vm_config_image_req)] = { 0 };

	if (!cfg || cfg->auth_mech > GH_RM_VM_AUTH_QCOM_ANDROID_PVM ||
	    cfg->image_offset + cfg->image_size < cfg->image_offset ||
	    cfg->dtb_offset + cfg->dtb_size < cfg->dtb_offset)
		return -EINVAL;
	rm_put16(req, RM_OFF(gh_rm_vm_config_image_req, vmid), cfg->vmid);
	rm_put16(req, RM_OFF(gh_rm_vm_config_image_req, auth_mech), cfg->auth_mech);
	rm_put32(req, RM_OFF(gh_rm_vm_config_image_req, mem_handle), cfg->mem_handle);
	rm_put64(req, RM_OFF(gh_rm_vm_config_image_req, image_offset), cfg->image_offset);
	rm_put64(req, RM_OFF(gh_rm_vm_config_image_req, image_size), cfg->image_size);
	rm_put64(req, RM_OFF(gh_rm_vm_config_image_req, dtb_offset), cfg->dtb_offset);
	rm_put64(req, RM_OFF(gh_rm_vm_config_image_req, dtb_size), cfg->dtb_size);
	return rm_call_typed(rm, GH_RM_MSG_VM_CONFIG_IMAGE, req, sizeof(req), NULL, NULL);
}

int gh_rm_vm_set_boot_context(struct gh_rm *rm, uint16_t vmid, uint8_t reg_set, uint8_t reg_index,
                              uint64_t value)
{
	uint8_t req[sizeof(struct gh_rm_vm_set_boot_context_req)] = { 0 };

	switch (reg_set) {
	case GH_RM_BOOT_CONTEXT_REG_SET_X:
		if (reg_index > 31)
			return -EINVAL;
		break;
	case GH_RM_BOOT_CONTEXT_REG_SET_PC:
		if (reg_index)
			return -EINVAL;
		break;
	case GH_RM_BOOT_CONTEXT_REG_SET_SP:
		if (reg_index > 2)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	rm_put16(req, RM_OFF(gh_rm_vm_set_boot_context_req, vmid), vmid);
	rm_put8(req, RM_OFF(gh_rm_vm_set_boot_context_req, reg_set), reg_set);
	rm_put8(req, RM_OFF(gh_rm_vm_set_boot_context_req, reg_index), reg_index);
	rm_put64(req, RM_OFF(gh_rm_vm_set_boot_context_req, value), value);
	return rm_call_typed(rm, GH_RM_MSG_VM_SET_BOOT_CONTEXT, req, sizeof(req), NULL, NULL);
}

int gh_rm_vm_get_hyp_resources(struct gh_rm *rm, uint16_t vmid, struct gh_rm_hyp_resource *out,
                               size_t max, size_t *n)
{
	uint8_t req[sizeof(struct gh_rm_vm_common_req)] = { 0 };
	void *resp = NULL;
	size_t len = 0;
	int ret;

	if (!n)
		return -EINVAL;
	*n = 0;
	if (max && !out)
		return -EINVAL;
	rm_put16(req, RM_OFF(gh_rm_vm_common_req, vmid), vmid);
	ret = rm_call_typed(rm, GH_RM_MSG_VM_GET_HYP_RESOURCES, req, sizeof(req), &resp, &len);
	if (ret)
		return ret;
	ret = gh_rm_decode_hyp_resources(resp, len, out, max, n);
	gh_os_free(resp);
	return ret;
}
