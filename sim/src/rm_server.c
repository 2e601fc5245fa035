// SPDX-License-Identifier: BSD-3-Clause
/*
 * The resource manager as a server (rm_server.h): a thread takes complete
 * requests from the TX queue (//rm:server reassembles them), handles them on
 * the gh_sim_vm_* calls, and queues replies and notifications into the RX
 * queue, waiting while it is full (a reply is never dropped).
 *
 * A VM's life: ALLOC_VMID (LOAD), memory parcels shared or lent to it,
 * CONFIG_IMAGE (INIT), SET_FIRMWARE_MEM and SET_ADDRESS_LAYOUT, VM_INIT
 * (READY: the image and firmware parcels mapped at their layout bases, the
 * DTB, vCPUs and doorbells), SET_BOOT_CONTEXT, GET_HYP_RESOURCES, START
 * (RUNNING), an exit or STOP (EXITED, a VM_EXITED notification), RESET
 * (RESET, a VM_STATUS notification), DEALLOC_VMID. A parcel shared with the
 * VM that is neither its image nor its firmware stays unmapped: a real RM
 * leaves it for the guest to accept.
 */
#include <stdlib.h>
#include <string.h>

#include <libfdt.h>

#include "rm_server.h"
#include "sim_internal.h"

#define PAGE_MASK 4095ULL
#define MAX_ACL   8 /* entries read from a parcel's ACL */

enum rm_state {
	ST_LOAD,
	ST_INIT,
	ST_READY,
	ST_RUNNING,
	ST_EXITED,
	ST_RESET,
	ST_INIT_FAILED,
};

struct range {
	uint64_t addr, size;
};

struct gh_sim_rm_parcel {
	uint32_t handle;
	bool complete;  /* no MEM_APPEND owed */
	uint16_t vmid;  /* the guest VM its ACL names */
	uint32_t flags; /* GH_SIM_MEM_* from its ACL entry */
	struct range *sgl;
	unsigned int nsgl, cap;
	uint64_t total;
	uint16_t mapped_in; /* a vmid while VM_INIT mapped it, else 0 */
};

struct gh_sim_rm_vm {
	uint16_t vmid;
	struct gh_sim_vm *svm;
	enum rm_state state;
	bool image_set, fw_set, layout_set[2];
	uint32_t image_handle, fw_handle;
	uint64_t image_off, image_size, dtb_off, dtb_size, fw_off, fw_size;
	uint64_t layout_base[2], layout_size[2];
	uint64_t vcpu_capid[GH_SIM_MAX_VCPUS];
	uint32_t vcpu_irq[GH_SIM_MAX_VCPUS];
	uint32_t vcpu_handle[GH_SIM_MAX_VCPUS];
	uint64_t bell_capid[GH_SIM_NR_SPIS];
	uint32_t bell_handle[GH_SIM_NR_SPIS];
	uint32_t nbells;
};

/* --- little-endian payload reading and writing ------------------------------- */

struct rd {
	const uint8_t *p;
	size_t len, off;
	bool bad;
};

static uint64_t rd_le(struct rd *r, unsigned int n)
{
	uint64_t v = 0;
	unsigned int i;

	if (r->bad || r->len - r->off < n) {
		r->bad = true;
		return 0;
	}
	for (i = 0; i < n; i++)
		v |= (uint64_t)r->p[r->off + i] << (8 * i);
	r->off += n;
	return v;
}

#define rd8(r)  ((uint8_t)rd_le(r, 1))
#define rd16(r) ((uint16_t)rd_le(r, 2))
#define rd32(r) ((uint32_t)rd_le(r, 4))
#define rd64(r) rd_le(r, 8)

static void wr_le(uint8_t *p, uint64_t v, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* --- the queues, from the server's side ------------------------------------------ */

static void raise_irq(struct gh_sim_rm *rm, uint32_t irq)
{
	const struct gh_sim_host_ops *h = &rm->sim->host;

	if (h->wakeup_irq)
		h->wakeup_irq(h->ctx, irq);
}

/* emit: one message into RX, waiting for room (the server is stopping: 1). */
static int put_rx(void *ctx, const void *msg, size_t size)
{
	struct gh_sim_rm *rm = ctx;
	bool was_empty;

	pthread_mutex_lock(&rm->lock);
	while (rm->rx.count == GH_SIM_MSGQ_DEPTH && !rm->stop)
		pthread_cond_wait(&rm->cond, &rm->lock);
	if (rm->stop) {
		pthread_mutex_unlock(&rm->lock);
		return 1;
	}
	was_empty = rm->rx.count == 0;
	gh_sim_msgq_push(&rm->rx, msg, size);
	pthread_mutex_unlock(&rm->lock);
	if (was_empty)
		raise_irq(rm, rm->rx.irq);
	return 0;
}

static void reply(struct gh_sim_rm *rm, const struct gh_rm_server_request *req, uint32_t err,
                  const void *payload, size_t len)
{
	gh_rm_server_reply(req->msg_id, req->seq, err, payload, len, put_rx, rm);
}

static void notify(struct gh_sim_rm *rm, uint32_t msg_id, const void *payload, size_t len)
{
	gh_rm_server_notify(msg_id, rm->notif_seq++, payload, len, put_rx, rm);
}

/* --- the RM's tables ---------------------------------------------------------------- */

static struct gh_sim_rm_vm *find_vm(struct gh_sim_rm *rm, uint16_t vmid)
{
	unsigned int i;

	for (i = 0; i < GH_SIM_RM_MAX_VMS; i++)
		if (rm->vms[i] && rm->vms[i]->vmid == vmid)
			return rm->vms[i];
	return NULL;
}

static struct gh_sim_rm_parcel *find_parcel(struct gh_sim_rm *rm, uint32_t handle)
{
	unsigned int i;

	for (i = 0; i < GH_SIM_RM_MAX_PARCELS; i++)
		if (rm->parcels[i] && rm->parcels[i]->handle == handle)
			return rm->parcels[i];
	return NULL;
}

/* The state, with an exit the server has not yet been told of. */
static enum rm_state state_of(struct gh_sim_rm_vm *v)
{
	if (v->state == ST_RUNNING && gh_sim_vm_exited(v->svm))
		v->state = ST_EXITED;
	return v->state;
}

static void parcel_free(struct gh_sim_rm_parcel *p)
{
	free(p->sgl);
	free(p);
}

static int sgl_add(struct gh_sim_rm_parcel *p, uint64_t addr, uint64_t size)
{
	if (p->nsgl == p->cap) {
		unsigned int cap = p->cap ? 2 * p->cap : 16;
		struct range *n = realloc(p->sgl, cap * sizeof(*n));

		if (!n)
			return -1;
		p->sgl = n;
		p->cap = cap;
	}
	p->sgl[p->nsgl++] = (struct range){ addr, size };
	p->total += size;
	return 0;
}

/* Reads a list header: its entry count, or -1 (reserved bits, > max). */
static int rd_list(struct rd *r)
{
	uint16_t n = rd16(r);

	if (rd16(r) || n > GH_RM_MEM_MAX_LIST_ENTRIES)
		r->bad = true;
	return r->bad ? -1 : n;
}

/* Reads @n sgl entries into @p: an RM error. */
static uint32_t rd_sgl(struct rd *r, int n, struct gh_sim_rm_parcel *p)
{
	int i;

	if (r->len - r->off < (size_t)n * 16)
		return GH_RM_ERROR_MSG_INVALID;
	for (i = 0; i < n; i++) {
		uint64_t addr = rd64(r), size = rd64(r);

		if (!size || (addr | size) & PAGE_MASK || addr + size < addr ||
		    p->total + size < p->total)
			return GH_RM_ERROR_ARGUMENT_INVALID;
		if (sgl_add(p, addr, size))
			return GH_RM_ERROR_NOMEM;
	}
	return GH_RM_ERROR_OK;
}

/* --- memory parcels ------------------------------------------------------------------ */

static uint32_t mem_share(struct gh_sim_rm *rm, struct rd *r, uint32_t *handle)
{
	struct gh_sim_rm_parcel *p;
	uint8_t mem_type, flags;
	unsigned int slot;
	int n, i, guests = 0;
	uint32_t err;

	mem_type = rd8(r);
	if (rd8(r))
		return r->bad ? GH_RM_ERROR_MSG_INVALID : GH_RM_ERROR_ARGUMENT_INVALID;
	flags = rd8(r);
	if (rd8(r))
		return r->bad ? GH_RM_ERROR_MSG_INVALID : GH_RM_ERROR_ARGUMENT_INVALID;
	rd32(r); /* label: the owner's */
	if (r->bad)
		return GH_RM_ERROR_MSG_INVALID;
	if (mem_type != GH_RM_MEM_TYPE_NORMAL ||
	    flags & ~(GH_RM_MEM_SHARE_FLAG_SANITIZE | GH_RM_MEM_SHARE_FLAG_APPEND))
		return GH_RM_ERROR_ARGUMENT_INVALID;
	for (slot = 0; slot < GH_SIM_RM_MAX_PARCELS && rm->parcels[slot]; slot++)
		;
	if (slot == GH_SIM_RM_MAX_PARCELS)
		return GH_RM_ERROR_NORESOURCE;
	p = calloc(1, sizeof(*p));
	if (!p)
		return GH_RM_ERROR_NOMEM;

	err = GH_RM_ERROR_MSG_INVALID;
	n = rd_list(r);
	if (n < 0 || r->len - r->off < (size_t)n * 4)
		goto fail;
	err = GH_RM_ERROR_ARGUMENT_INVALID;
	if (n == 0 || n > MAX_ACL)
		goto fail;
	for (i = 0; i < n; i++) {
		uint16_t vmid = rd16(r);
		uint8_t perms = rd8(r);

		if (rd8(r) || !perms || perms & ~(GH_RM_ACL_R | GH_RM_ACL_W | GH_RM_ACL_X)) {
			err = GH_RM_ERROR_ARGUMENT_INVALID;
			goto fail;
		}
		if (vmid == GH_SIM_RM_HOST_VMID)
			continue; /* the owner keeps (shares) its access */
		if (!find_vm(rm, vmid)) {
			err = GH_RM_ERROR_VMID_INVALID;
			goto fail;
		}
		if (guests++) {
			err = GH_RM_ERROR_ARGUMENT_INVALID; /* one guest per parcel here */
			goto fail;
		}
		p->vmid = vmid;
		p->flags = (perms & GH_RM_ACL_R ? GH_SIM_MEM_READ : 0) |
		           (perms & GH_RM_ACL_W ? GH_SIM_MEM_WRITE : 0) |
		           (perms & GH_RM_ACL_X ? GH_SIM_MEM_EXEC : 0);
	}
	if (!guests)
		goto fail;

	err = GH_RM_ERROR_MSG_INVALID;
	n = rd_list(r);
	if (n < 0)
		goto fail;
	if (n == 0) {
		err = GH_RM_ERROR_ARGUMENT_INVALID;
		goto fail;
	}
	err = rd_sgl(r, n, p);
	if (err)
		goto fail;

	err = GH_RM_ERROR_MSG_INVALID;
	n = rd_list(r);
	if (n < 0 || r->len - r->off != (size_t)n * 4)
		goto fail;
	for (i = 0; i < n; i++) {
		uint16_t attr = rd16(r);

		rd16(r); /* vmid */
		if (attr > GH_RM_MEM_ATTR_CACHED) {
			err = GH_RM_ERROR_ARGUMENT_INVALID;
			goto fail;
		}
	}
	p->complete = !(flags & GH_RM_MEM_SHARE_FLAG_APPEND);
	p->handle = rm->next_handle++;
	if (rm->next_handle == GH_RM_MEM_HANDLE_INVALID)
		rm->next_handle = 1;
	rm->parcels[slot] = p;
	*handle = p->handle;
	return GH_RM_ERROR_OK;
fail:
	parcel_free(p);
	return err;
}

static uint32_t mem_append(struct gh_sim_rm *rm, struct rd *r)
{
	struct gh_sim_rm_parcel *p;
	uint32_t handle, err;
	uint8_t flags;
	int n;

	handle = rd32(r);
	flags = rd8(r);
	if (rd8(r) | rd8(r) | rd8(r))
		return r->bad ? GH_RM_ERROR_MSG_INVALID : GH_RM_ERROR_ARGUMENT_INVALID;
	n = rd_list(r);
	if (r->bad || r->len - r->off != (size_t)(n > 0 ? n : 0) * 16)
		return GH_RM_ERROR_MSG_INVALID;
	if (flags & ~GH_RM_MEM_APPEND_FLAG_END)
		return GH_RM_ERROR_ARGUMENT_INVALID;
	p = find_parcel(rm, handle);
	if (!p || p->complete)
		return GH_RM_ERROR_HANDLE_INVALID;
	err = rd_sgl(r, n, p);
	if (err)
		return err;
	if (flags & GH_RM_MEM_APPEND_FLAG_END)
		p->complete = true;
	return GH_RM_ERROR_OK;
}

static uint32_t mem_reclaim(struct gh_sim_rm *rm, struct rd *r)
{
	struct gh_sim_rm_parcel *p;
	struct gh_sim_rm_vm *v;
	uint32_t handle;
	unsigned int i;
	uint8_t flags;

	handle = rd32(r);
	flags = rd8(r);
	if (rd8(r) | rd8(r) | rd8(r))
		return r->bad ? GH_RM_ERROR_MSG_INVALID : GH_RM_ERROR_ARGUMENT_INVALID;
	if (r->bad || r->off != r->len)
		return GH_RM_ERROR_MSG_INVALID;
	if (flags & ~GH_RM_MEM_RECLAIM_FLAG_SANITIZE)
		return GH_RM_ERROR_ARGUMENT_INVALID;
	p = find_parcel(rm, handle);
	if (!p)
		return GH_RM_ERROR_HANDLE_INVALID;
	v = p->mapped_in ? find_vm(rm, p->mapped_in) : NULL;
	if (v && (state_of(v) == ST_READY || state_of(v) == ST_RUNNING))
		return GH_RM_ERROR_MEM_INUSE;
	if (flags & GH_RM_MEM_RECLAIM_FLAG_SANITIZE)
		for (i = 0; i < p->nsgl; i++)
			memset((void *)(uintptr_t)p->sgl[i].addr, 0, p->sgl[i].size);
	for (i = 0; i < GH_SIM_RM_MAX_PARCELS; i++)
		if (rm->parcels[i] == p)
			rm->parcels[i] = NULL;
	parcel_free(p);
	return GH_RM_ERROR_OK;
}

/* --- VM configuration ------------------------------------------------------------------ */

/* A complete parcel given to @v, or NULL. */
static struct gh_sim_rm_parcel *vm_parcel(struct gh_sim_rm *rm, struct gh_sim_rm_vm *v,
                                          uint32_t handle)
{
	struct gh_sim_rm_parcel *p = find_parcel(rm, handle);

	return p && p->complete && p->vmid == v->vmid ? p : NULL;
}

static bool within(uint64_t off, uint64_t size, uint64_t total)
{
	return off <= total && size <= total - off;
}

static uint32_t vm_config_image(struct gh_sim_rm *rm, struct gh_sim_rm_vm *v, struct rd *r)
{
	uint16_t auth = rd16(r);
	uint32_t handle = rd32(r);
	uint64_t io = rd64(r), is = rd64(r), dof = rd64(r), ds = rd64(r);
	struct gh_sim_rm_parcel *p;

	if (r->bad || r->off != r->len)
		return GH_RM_ERROR_MSG_INVALID;
	if (auth != GH_RM_VM_AUTH_NONE)
		return GH_RM_ERROR_ARGUMENT_INVALID;
	if (v->state != ST_LOAD)
		return GH_RM_ERROR_VM_STATE;
	p = vm_parcel(rm, v, handle);
	if (!p)
		return GH_RM_ERROR_HANDLE_INVALID;
	if (!within(io, is, p->total) || !within(dof, ds, p->total))
		return GH_RM_ERROR_ARGUMENT_INVALID;
	v->image_set = true;
	v->image_handle = handle;
	v->image_off = io;
	v->image_size = is;
	v->dtb_off = dof;
	v->dtb_size = ds;
	v->state = ST_INIT;
	return GH_RM_ERROR_OK;
}

static uint32_t vm_set_firmware_mem(struct gh_sim_rm *rm, struct gh_sim_rm_vm *v, struct rd *r)
{
	uint32_t handle = rd32(r);
	uint64_t off = rd64(r), size = rd64(r);
	struct gh_sim_rm_parcel *p;

	if (r->bad || r->off != r->len)
		return GH_RM_ERROR_MSG_INVALID;
	if (v->state != ST_LOAD && v->state != ST_INIT)
		return GH_RM_ERROR_VM_STATE;
	p = vm_parcel(rm, v, handle);
	if (!p)
		return GH_RM_ERROR_HANDLE_INVALID;
	if (!within(off, size, p->total) || !size)
		return GH_RM_ERROR_ARGUMENT_INVALID;
	v->fw_set = true;
	v->fw_handle = handle;
	v->fw_off = off;
	v->fw_size = size;
	return GH_RM_ERROR_OK;
}

static uint32_t vm_set_address_layout(struct gh_sim_vm *svm, struct gh_sim_rm_vm *v, struct rd *r)
{
	uint32_t range = rd32(r);
	uint64_t base = rd64(r), size = rd64(r);

	(void)svm;
	if (r->bad || r->off != r->len)
		return GH_RM_ERROR_MSG_INVALID;
	if (range > GH_RM_RANGE_ID_FIRMWARE || !size || (base | size) & PAGE_MASK ||
	    base + size < base || base + size > GH_SIM_PA_LIMIT)
		return GH_RM_ERROR_ARGUMENT_INVALID;
	if (v->state != ST_LOAD && v->state != ST_INIT)
		return GH_RM_ERROR_VM_STATE;
	v->layout_set[range] = true;
	v->layout_base[range] = base;
	v->layout_size[range] = size;
	return GH_RM_ERROR_OK;
}

/* Maps @p's ranges one after the other from @base. */
static uint32_t map_parcel(struct gh_sim_rm_vm *v, struct gh_sim_rm_parcel *p, uint64_t base,
                           uint64_t size, uint32_t *label)
{
	uint64_t gpa = base;
	unsigned int i;

	if (p->total > size)
		return GH_RM_ERROR_ARGUMENT_INVALID;
	for (i = 0; i < p->nsgl; i++) {
		if (gh_sim_vm_add_region(v->svm, (*label)++, gpa, p->sgl[i].size,
		                         (void *)(uintptr_t)p->sgl[i].addr, p->flags))
			return GH_RM_ERROR_MAP_FAILED;
		gpa += p->sgl[i].size;
	}
	p->mapped_in = v->vmid;
	return GH_RM_ERROR_OK;
}

/* vCPU ids from the DTB's /cpus (MPIDR Aff0): 0 and *mask, 1 when there is
 * no usable /cpus, -1 for a cpu node this simulator cannot give. */
static int dtb_cpus(struct gh_sim_vm *svm, uint64_t gpa, uint64_t size, uint32_t *mask)
{
	const void *fdt = gh_sim_vm_host_ptr(svm, gpa, size);
	int cpus, node;

	*mask = 0;
	if (!fdt || size < sizeof(struct fdt_header) || fdt_check_header(fdt) ||
	    fdt_totalsize(fdt) > size)
		return 1;
	cpus = fdt_path_offset(fdt, "/cpus");
	if (cpus < 0)
		return 1;
	fdt_for_each_subnode(node, fdt, cpus)
	{
		const char *type;
		const fdt32_t *reg;
		uint64_t id;
		int len;

		type = fdt_getprop(fdt, node, "device_type", &len);
		if (!type || len != 4 || memcmp(type, "cpu", 4))
			continue;
		reg = fdt_getprop(fdt, node, "reg", &len);
		if (!reg || (len != 4 && len != 8))
			return -1;
		id = fdt32_to_cpu(reg[0]);
		if (len == 8)
			id = id << 32 | fdt32_to_cpu(reg[1]);
		if (id >= GH_SIM_MAX_VCPUS)
			return -1;
		*mask |= 1U << id;
	}
	return *mask ? 0 : 1;
}

static uint32_t vm_init(struct gh_sim_rm *rm, struct gh_sim_rm_vm *v)
{
	struct gh_sim_rm_parcel *img, *fw = NULL;
	uint32_t label = 0, mask, i, err;
	uint64_t base;
	int ret;

	if (v->state != ST_INIT)
		return GH_RM_ERROR_VM_STATE;
	img = vm_parcel(rm, v, v->image_handle);
	if (v->fw_set)
		fw = vm_parcel(rm, v, v->fw_handle);
	if (!img || (v->fw_set && (!fw || fw == img)))
		return GH_RM_ERROR_HANDLE_INVALID;
	if (!v->layout_set[GH_RM_RANGE_ID_IMAGE] || (fw && !v->layout_set[GH_RM_RANGE_ID_FIRMWARE]))
		return GH_RM_ERROR_ARGUMENT_INVALID;
	v->state = ST_INIT_FAILED;
	base = v->layout_base[GH_RM_RANGE_ID_IMAGE];
	err = map_parcel(v, img, base, v->layout_size[GH_RM_RANGE_ID_IMAGE], &label);
	if (!err && fw)
		err = map_parcel(v, fw, v->layout_base[GH_RM_RANGE_ID_FIRMWARE],
		                 v->layout_size[GH_RM_RANGE_ID_FIRMWARE], &label);
	if (err)
		return err;
	ret = 1;
	if (v->dtb_size) {
		if (gh_sim_vm_set_dtb(v->svm, base + v->dtb_off, v->dtb_size))
			return GH_RM_ERROR_ARGUMENT_INVALID;
		ret = dtb_cpus(v->svm, base + v->dtb_off, v->dtb_size, &mask);
	}
	if (ret < 0)
		return GH_RM_ERROR_ARGUMENT_INVALID;
	if (ret > 0)
		mask = (1U << rm->default_vcpus) - 1;
	for (i = 0; i < GH_SIM_MAX_VCPUS; i++) {
		if (!(mask & (1U << i)))
			continue;
		if (gh_sim_vm_add_vcpu(v->svm, i, &v->vcpu_capid[i], &v->vcpu_irq[i]))
			return GH_RM_ERROR_NORESOURCE;
		v->vcpu_handle[i] = rm->next_resource++;
	}
	for (i = 0; i < rm->doorbells; i++) {
		if (gh_sim_vm_add_doorbell(v->svm, i, 32 + i, false, &v->bell_capid[i]))
			return GH_RM_ERROR_NORESOURCE;
		v->bell_handle[i] = rm->next_resource++;
		v->nbells = i + 1;
	}
	v->state = ST_READY;
	return GH_RM_ERROR_OK;
}

static uint32_t vm_set_boot_context(struct gh_sim_rm_vm *v, struct rd *r)
{
	uint8_t set = rd8(r), index = rd8(r);
	uint32_t reserved = rd32(r);
	uint64_t value = rd64(r);

	if (r->bad || r->off != r->len)
		return GH_RM_ERROR_MSG_INVALID;
	if (reserved || set > GH_RM_BOOT_CONTEXT_REG_SET_SP)
		return GH_RM_ERROR_ARGUMENT_INVALID;
	if (v->state != ST_READY)
		return GH_RM_ERROR_VM_STATE;
	/* GH_RM_BOOT_CONTEXT_REG_SET_* are GH_SIM_REG_SET_* */
	if (gh_sim_vm_set_boot_reg(v->svm, set, index, value))
		return GH_RM_ERROR_ARGUMENT_INVALID;
	return GH_RM_ERROR_OK;
}

static size_t put_resource(uint8_t *e, uint8_t type, uint16_t vmid, uint32_t handle, uint32_t label,
                           uint64_t capid, uint32_t virq)
{
	memset(e, 0, 44);
	e[0] = type;
	wr_le(e + 2, vmid, 2);
	wr_le(e + 4, handle, 4);
	wr_le(e + 8, label, 4);
	wr_le(e + 12, capid, 8);
	wr_le(e + 24, virq, 4);
	return 44;
}

static void vm_get_hyp_resources(struct gh_sim_rm *rm, const struct gh_rm_server_request *req,
                                 struct gh_sim_rm_vm *v)
{
	static uint8_t buf[4 + 44 * (GH_SIM_MAX_VCPUS + GH_SIM_NR_SPIS)];
	enum rm_state st = state_of(v);
	size_t len = 4;
	uint32_t i, n = 0;

	if (st != ST_READY && st != ST_RUNNING && st != ST_EXITED) {
		reply(rm, req, GH_RM_ERROR_VM_STATE, NULL, 0);
		return;
	}
	for (i = 0; i < GH_SIM_MAX_VCPUS; i++, n++) {
		if (!v->vcpu_capid[i]) {
			n--;
			continue;
		}
		len += put_resource(buf + len, GH_RM_RESOURCE_VCPU, v->vmid, v->vcpu_handle[i], i,
		                    v->vcpu_capid[i], v->vcpu_irq[i]);
	}
	for (i = 0; i < v->nbells; i++, n++)
		len += put_resource(buf + len, GH_RM_RESOURCE_BELL_TX, v->vmid, v->bell_handle[i],
		                    i, v->bell_capid[i], 0);
	wr_le(buf, n, 4);
	reply(rm, req, GH_RM_ERROR_OK, buf, len);
}

/* --- VM lifecycle -------------------------------------------------------------------------- */

static uint32_t vm_alloc(struct gh_sim_rm *rm, struct rd *r, uint16_t *vmid)
{
	struct gh_sim_rm_vm *v;
	unsigned int slot;

	if (r->len != 0 && r->len != 4)
		return GH_RM_ERROR_MSG_INVALID;
	if (r->len == 4 && (rd16(r) || rd16(r)))
		return GH_RM_ERROR_ARGUMENT_INVALID; /* only "any vmid" */
	for (slot = 0; slot < GH_SIM_RM_MAX_VMS && rm->vms[slot]; slot++)
		;
	if (slot == GH_SIM_RM_MAX_VMS)
		return GH_RM_ERROR_NORESOURCE;
	v = calloc(1, sizeof(*v));
	if (!v)
		return GH_RM_ERROR_NOMEM;
	if (gh_sim_vm_create(rm->sim, &v->svm)) {
		free(v);
		return GH_RM_ERROR_NORESOURCE;
	}
	v->vmid = gh_sim_vm_id(v->svm);
	v->state = ST_LOAD;
	pthread_mutex_lock(&rm->lock);
	rm->vms[slot] = v;
	pthread_mutex_unlock(&rm->lock);
	*vmid = v->vmid;
	return GH_RM_ERROR_OK;
}

static uint32_t vm_dealloc(struct gh_sim_rm *rm, struct gh_sim_rm_vm *v)
{
	enum rm_state st = state_of(v);
	unsigned int i;

	if (st != ST_LOAD && st != ST_INIT && st != ST_READY && st != ST_RESET &&
	    st != ST_INIT_FAILED)
		return GH_RM_ERROR_VM_STATE;
	pthread_mutex_lock(&rm->lock);
	for (i = 0; i < GH_SIM_RM_MAX_VMS; i++)
		if (rm->vms[i] == v)
			rm->vms[i] = NULL;
	pthread_mutex_unlock(&rm->lock);
	for (i = 0; i < GH_SIM_RM_MAX_PARCELS; i++)
		if (rm->parcels[i] && rm->parcels[i]->mapped_in == v->vmid)
			rm->parcels[i]->mapped_in = 0;
	gh_sim_vm_destroy(v->svm);
	free(v);
	return GH_RM_ERROR_OK;
}

static uint32_t vm_start(struct gh_sim_rm_vm *v)
{
	if (v->state != ST_READY)
		return GH_RM_ERROR_VM_STATE;
	if (gh_sim_vm_start(v->svm)) {
		v->state = ST_INIT_FAILED;
		return GH_RM_ERROR_VALIDATE_FAILED;
	}
	v->state = ST_RUNNING;
	return GH_RM_ERROR_OK;
}

/* With or without FORCE: the simulator has no way to ask a guest to shut
 * down, so a stop is always forced (exit type VM_FORCE_STOPPED). */
static uint32_t vm_stop(struct gh_sim_rm_vm *v, struct rd *r)
{
	uint8_t flags;

	flags = rd8(r); /* after the vmid */
	if (rd8(r))
		return r->bad ? GH_RM_ERROR_MSG_INVALID : GH_RM_ERROR_ARGUMENT_INVALID;
	rd32(r); /* stop_reason */
	if (r->bad || r->off != r->len)
		return GH_RM_ERROR_MSG_INVALID;
	if (flags & ~GH_RM_VM_STOP_FLAG_FORCE)
		return GH_RM_ERROR_ARGUMENT_INVALID;
	if (state_of(v) == ST_EXITED)
		return GH_RM_ERROR_OK; /* it ended first: its VM_EXITED is on its way */
	if (v->state != ST_RUNNING)
		return GH_RM_ERROR_VM_STATE;
	gh_sim_vm_end(v->svm, GH_VM_EXIT_TYPE_VM_FORCE_STOPPED, false, 0, 0,
	              "stopped by the resource manager");
	v->state = ST_EXITED;
	/* queues the VM_EXITED notification, sent after this reply */
	gh_sim_vm_notify_exit(v->svm);
	return GH_RM_ERROR_OK;
}

static uint32_t vm_reset(struct gh_sim_rm *rm, struct gh_sim_rm_vm *v)
{
	unsigned int i;

	if (state_of(v) == ST_RUNNING)
		return GH_RM_ERROR_VM_STATE;
	for (i = 0; i < GH_SIM_RM_MAX_PARCELS; i++)
		if (rm->parcels[i] && rm->parcels[i]->mapped_in == v->vmid)
			rm->parcels[i]->mapped_in = 0;
	v->state = ST_RESET;
	return GH_RM_ERROR_OK;
}

static void send_vm_status(struct gh_sim_rm *rm, uint16_t vmid, uint8_t status)
{
	uint8_t n[8] = { 0 };

	wr_le(n, vmid, 2);
	n[4] = status;
	notify(rm, GH_RM_NOTIF_VM_STATUS, n, sizeof(n));
}

/* --- dispatch ---------------------------------------------------------------------------------- */

/* Requests on one VM: { le16 vmid, ... }. */
static void vm_request(struct gh_sim_rm *rm, const struct gh_rm_server_request *req, struct rd *r)
{
	struct gh_sim_rm_vm *v;
	uint32_t id = req->msg_id, err;
	uint16_t vmid = rd16(r);
	bool common = id == GH_RM_MSG_VM_DEALLOC_VMID || id == GH_RM_MSG_VM_START ||
	              id == GH_RM_MSG_VM_RESET || id == GH_RM_MSG_VM_INIT ||
	              id == GH_RM_MSG_VM_GET_HYP_RESOURCES;

	if (r->bad) {
		reply(rm, req, GH_RM_ERROR_MSG_INVALID, NULL, 0);
		return;
	}
	if (common) {
		uint16_t reserved = rd16(r);

		if (r->bad || r->len != 4) {
			reply(rm, req, GH_RM_ERROR_MSG_INVALID, NULL, 0);
			return;
		}
		if (reserved) {
			reply(rm, req, GH_RM_ERROR_ARGUMENT_INVALID, NULL, 0);
			return;
		}
	} else if (id == GH_RM_MSG_VM_SET_FIRMWARE_MEM || id == GH_RM_MSG_VM_SET_ADDRESS_LAYOUT) {
		if (rd16(r)) {
			reply(rm, req,
			      r->bad ? GH_RM_ERROR_MSG_INVALID : GH_RM_ERROR_ARGUMENT_INVALID, NULL,
			      0);
			return;
		}
	}
	v = find_vm(rm, vmid);
	if (!v) {
		reply(rm, req, GH_RM_ERROR_VMID_INVALID, NULL, 0);
		return;
	}
	switch (id) {
	case GH_RM_MSG_VM_DEALLOC_VMID:
		err = vm_dealloc(rm, v);
		break;
	case GH_RM_MSG_VM_START:
		err = vm_start(v);
		break;
	case GH_RM_MSG_VM_STOP:
		err = vm_stop(v, r);
		break;
	case GH_RM_MSG_VM_RESET:
		err = vm_reset(rm, v);
		reply(rm, req, err, NULL, 0);
		if (!err)
			send_vm_status(rm, vmid, GH_RM_VM_STATUS_RESET);
		return;
	case GH_RM_MSG_VM_CONFIG_IMAGE:
		err = vm_config_image(rm, v, r);
		break;
	case GH_RM_MSG_VM_SET_FIRMWARE_MEM:
		err = vm_set_firmware_mem(rm, v, r);
		break;
	case GH_RM_MSG_VM_SET_ADDRESS_LAYOUT:
		err = vm_set_address_layout(v->svm, v, r);
		break;
	case GH_RM_MSG_VM_INIT:
		err = vm_init(rm, v);
		break;
	case GH_RM_MSG_VM_SET_BOOT_CONTEXT:
		err = vm_set_boot_context(v, r);
		break;
	case GH_RM_MSG_VM_GET_HYP_RESOURCES:
		vm_get_hyp_resources(rm, req, v);
		return;
	default:
		err = GH_RM_ERROR_UNIMPLEMENTED;
		break;
	}
	reply(rm, req, err, NULL, 0);
}

static void handle(struct gh_sim_rm *rm, const struct gh_rm_server_request *req)
{
	struct rd r = { req->payload, req->len, 0, false };
	uint8_t word[4];
	uint32_t err, handle = 0;
	uint16_t vmid = 0;

	switch (req->msg_id) {
	case GH_RM_MSG_VM_GET_VMID:
		if (req->len) {
			reply(rm, req, GH_RM_ERROR_MSG_INVALID, NULL, 0);
			return;
		}
		wr_le(word, GH_SIM_RM_HOST_VMID, 4);
		reply(rm, req, GH_RM_ERROR_OK, word, 4);
		return;
	case GH_RM_MSG_VM_ALLOC_VMID:
		err = vm_alloc(rm, &r, &vmid);
		wr_le(word, vmid, 4);
		reply(rm, req, err, word, err ? 0 : 4);
		return;
	case GH_RM_MSG_MEM_SHARE:
	case GH_RM_MSG_MEM_LEND:
		err = mem_share(rm, &r, &handle);
		wr_le(word, handle, 4);
		reply(rm, req, err, word, err ? 0 : 4);
		return;
	case GH_RM_MSG_MEM_APPEND:
		reply(rm, req, mem_append(rm, &r), NULL, 0);
		return;
	case GH_RM_MSG_MEM_RECLAIM:
		reply(rm, req, mem_reclaim(rm, &r), NULL, 0);
		return;
	case GH_RM_MSG_VM_DEALLOC_VMID:
	case GH_RM_MSG_VM_START:
	case GH_RM_MSG_VM_STOP:
	case GH_RM_MSG_VM_RESET:
	case GH_RM_MSG_VM_CONFIG_IMAGE:
	case GH_RM_MSG_VM_INIT:
	case GH_RM_MSG_VM_GET_HYP_RESOURCES:
	case GH_RM_MSG_VM_SET_BOOT_CONTEXT:
	case GH_RM_MSG_VM_SET_FIRMWARE_MEM:
	case GH_RM_MSG_VM_SET_ADDRESS_LAYOUT:
		vm_request(rm, req, &r);
		return;
	default:
		reply(rm, req, GH_RM_ERROR_UNIMPLEMENTED, NULL, 0);
		return;
	}
}

/* VM_EXITED: {vmid, exit type, reason size}, reason word 0 = flags | code << 16,
 * then for a crash the simulator's code and the low 32 bits of the PC. */
static void send_exited(struct gh_sim_rm *rm, const struct gh_sim_rm_event *ev)
{
	uint8_t n[8 + 12];
	uint32_t size = ev->crashed ? 12 : 4;
	struct gh_sim_rm_vm *v = find_vm(rm, ev->vmid);

	if (v && v->state == ST_RUNNING)
		v->state = ST_EXITED;
	wr_le(n, ev->vmid, 2);
	wr_le(n + 2, ev->exit_type, 2);
	wr_le(n + 4, size, 4);
	wr_le(n + 8,
	      (uint32_t)(ev->crashed ? GH_RM_VM_EXIT_CODE_SOFTWARE_ERROR : GH_RM_VM_EXIT_CODE_NORMAL)
	              << GH_RM_VM_EXIT_CODE_SHIFT,
	      4);
	memcpy(n + 12, ev->reason, 8);
	notify(rm, GH_RM_NOTIF_VM_EXITED, n, 8 + size);
}

static void *server_main(void *arg)
{
	struct gh_sim_rm *rm = arg;
	uint8_t msg[GH_SIM_MSGQ_MSG_SIZE];

	pthread_mutex_lock(&rm->lock);
	while (!rm->stop) {
		if (rm->nevents) {
			struct gh_sim_rm_event ev = rm->events[0];

			rm->nevents--;
			memmove(rm->events, rm->events + 1, rm->nevents * sizeof(ev));
			pthread_mutex_unlock(&rm->lock);
			send_exited(rm, &ev);
			pthread_mutex_lock(&rm->lock);
		} else if (rm->tx.count) {
			bool was_full = rm->tx.count == GH_SIM_MSGQ_DEPTH;
			struct gh_rm_server_request req;
			size_t len;

			gh_sim_msgq_pop(&rm->tx, msg, &len);
			pthread_mutex_unlock(&rm->lock);
			if (was_full)
				raise_irq(rm, rm->tx.irq);
			/* A malformed message is dropped, as the RM does. */
			if (gh_rm_server_rx_feed(&rm->req, msg, len, &req) == GH_RM_SERVER_REQUEST)
				handle(rm, &req);
			pthread_mutex_lock(&rm->lock);
		} else {
			pthread_cond_wait(&rm->cond, &rm->lock);
		}
	}
	pthread_mutex_unlock(&rm->lock);
	return NULL;
}

void gh_sim_rm_post_exit(struct gh_sim_vm *vm)
{
	struct gh_sim_rm *rm = vm->sim->rm;
	struct gh_sim_rm_event *ev;

	if (!rm)
		return;
	pthread_mutex_lock(&rm->lock);
	if (find_vm(rm, vm->vmid) && rm->nevents < GH_SIM_RM_MAX_EVENTS) {
		ev = &rm->events[rm->nevents++];
		ev->vmid = vm->vmid;
		ev->exit_type = vm->exit.type;
		ev->crashed = vm->exit.crashed;
		memcpy(ev->reason, vm->exit.reason, sizeof(ev->reason));
		pthread_cond_broadcast(&rm->cond);
	}
	pthread_mutex_unlock(&rm->lock);
}

/* --- lifetime and the public calls ---------------------------------------------------------------- */

int gh_sim_rm_start(struct gh_sim *sim)
{
	struct gh_sim_rm *rm = calloc(1, sizeof(*rm));
	int ret;

	if (!rm)
		return -ENOMEM;
	rm->sim = sim;
	rm->default_vcpus = 1;
	rm->doorbells = 16;
	rm->next_handle = 1;
	rm->next_resource = 1;
	rm->tx.irq = GH_SIM_RM_TX_IRQ;
	rm->rx.irq = GH_SIM_RM_RX_IRQ;
	gh_rm_server_rx_init(&rm->req);
	pthread_mutex_lock(&sim->lock);
	ret = gh_sim_cap_alloc(sim, GH_SIM_CAP_MSGQ, &rm->tx, NULL, &rm->tx.capid);
	if (!ret)
		ret = gh_sim_cap_alloc(sim, GH_SIM_CAP_MSGQ, &rm->rx, NULL, &rm->rx.capid);
	pthread_mutex_unlock(&sim->lock);
	if (ret) {
		free(rm);
		return ret;
	}
	pthread_mutex_init(&rm->lock, NULL);
	pthread_cond_init(&rm->cond, NULL);
	sim->rm = rm;
	if (pthread_create(&rm->thread, NULL, server_main, rm)) {
		sim->rm = NULL;
		pthread_cond_destroy(&rm->cond);
		pthread_mutex_destroy(&rm->lock);
		free(rm);
		return -ENOMEM;
	}
	return 0;
}

void gh_sim_rm_stop(struct gh_sim *sim)
{
	struct gh_sim_rm *rm = sim->rm;
	unsigned int i;

	if (!rm)
		return;
	pthread_mutex_lock(&rm->lock);
	rm->stop = true;
	pthread_cond_broadcast(&rm->cond);
	pthread_mutex_unlock(&rm->lock);
	pthread_join(rm->thread, NULL);
	sim->rm = NULL;
	for (i = 0; i < GH_SIM_RM_MAX_VMS; i++)
		free(rm->vms[i]); /* their gh_sim_vms: gh_sim_destroy */
	for (i = 0; i < GH_SIM_RM_MAX_PARCELS; i++)
		if (rm->parcels[i])
			parcel_free(rm->parcels[i]);
	pthread_cond_destroy(&rm->cond);
	pthread_mutex_destroy(&rm->lock);
	free(rm);
}

void gh_sim_rm_endpoint(struct gh_sim *sim, struct gh_sim_rm_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	if (!sim->rm)
		return;
	ep->tx_capid = sim->rm->tx.capid;
	ep->rx_capid = sim->rm->rx.capid;
	ep->tx_irq = sim->rm->tx.irq;
	ep->rx_irq = sim->rm->rx.irq;
	ep->host_vmid = GH_SIM_RM_HOST_VMID;
}

int gh_sim_rm_configure(struct gh_sim *sim, uint32_t default_vcpus, uint32_t doorbells)
{
	struct gh_sim_rm *rm = sim->rm;
	unsigned int i;
	int ret = 0;

	if (!rm)
		return -ENODEV;
	if (default_vcpus > GH_SIM_MAX_VCPUS || doorbells > GH_SIM_MAX_DOORBELLS)
		return -EINVAL;
	pthread_mutex_lock(&sim->lock);
	for (i = 0; i < GH_SIM_MAX_VMS; i++)
		if (sim->vms[i])
			ret = -EBUSY;
	pthread_mutex_unlock(&sim->lock);
	if (ret)
		return ret;
	/* Read by the server thread only while it handles a VM_INIT, for
	 * which a VM must exist. */
	pthread_mutex_lock(&rm->lock);
	rm->default_vcpus = default_vcpus ? default_vcpus : 1;
	rm->doorbells = doorbells ? doorbells : 16;
	pthread_mutex_unlock(&rm->lock);
	return 0;
}
