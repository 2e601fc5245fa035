/* SPDX-License-Identifier: BSD-3-Clause */
/* Memory parcels: MEM_LEND / MEM_SHARE with their MEM_APPEND continuations, and MEM_RECLAIM. */
#include "rm_internal.h"

#define LIST_HDR sizeof(struct gh_rm_mem_list_hdr)
#define ACL_SZ   sizeof(struct gh_rm_mem_acl_entry)
#define SGL_SZ   sizeof(struct gh_rm_mem_sgl_entry)
#define ATTR_SZ  sizeof(struct gh_rm_mem_attr_entry)

static int check_parcel(const struct gh_rm_mem_parcel *p)
{
	size_t i;

	if (!p || p->reserved || p->mem_type > GH_RM_MEM_TYPE_IO ||
	    (p->flags & ~GH_RM_MEM_SHARE_FLAG_SANITIZE))
		return -EINVAL;
	if (!p->n_acl || p->n_acl > GH_RM_MEM_MAX_ACL || !p->acl)
		return -EINVAL;
	if (!p->n_ranges || p->n_ranges > GH_RM_MEM_MAX_RANGES || !p->ranges)
		return -EINVAL;
	if (p->n_attrs > GH_RM_MEM_MAX_ATTRS || (p->n_attrs && !p->attrs))
		return -EINVAL;
	for (i = 0; i < p->n_acl; i++) {
		const struct gh_rm_mem_acl *a = &p->acl[i];

		if (a->reserved || !a->perms ||
		    (a->perms & ~(GH_RM_ACL_X | GH_RM_ACL_W | GH_RM_ACL_R)))
			return -EINVAL;
	}
	for (i = 0; i < p->n_ranges; i++) {
		const struct gh_rm_mem_range *r = &p->ranges[i];

		if (!r->size || r->addr + r->size < r->addr)
			return -EINVAL;
	}
	for (i = 0; i < p->n_attrs; i++)
		if (p->attrs[i].attr > GH_RM_MEM_ATTR_CACHED)
			return -EINVAL;
	return 0;
}

static size_t put_list_hdr(uint8_t *buf, size_t off, size_t n)
{
	rm_put16(buf, off + RM_OFF(gh_rm_mem_list_hdr, n_entries), (uint16_t)n);
	return off + LIST_HDR;
}

static size_t put_ranges(uint8_t *buf, size_t off, const struct gh_rm_mem_range *r, size_t n)
{
	size_t i;

	off = put_list_hdr(buf, off, n);
	for (i = 0; i < n; i++, off += SGL_SZ) {
		rm_put64(buf, off + RM_OFF(gh_rm_mem_sgl_entry, phys_addr), r[i].addr);
		rm_put64(buf, off + RM_OFF(gh_rm_mem_sgl_entry, size), r[i].size);
	}
	return off;
}

/* The ranges after the first GH_RM_MEM_MAX_LIST_ENTRIES, one MEM_APPEND per list. */
static int mem_append(struct gh_rm *rm, uint32_t handle, const struct gh_rm_mem_range *r, size_t n)
{
	const size_t hdr = sizeof(struct gh_rm_mem_append_req_hdr);
	uint8_t *req;
	size_t chunk, len;
	int ret = 0;

	req = gh_os_zalloc(hdr + LIST_HDR + GH_RM_MEM_MAX_LIST_ENTRIES * SGL_SZ);
	if (!req)
		return -ENOMEM;
	while (n) {
		chunk = n > GH_RM_MEM_MAX_LIST_ENTRIES ? GH_RM_MEM_MAX_LIST_ENTRIES : n;
		rm_put32(req, RM_OFF(gh_rm_mem_append_req_hdr, mem_handle), handle);
		rm_put8(req, RM_OFF(gh_rm_mem_append_req_hdr, flags),
		        chunk == n ? GH_RM_MEM_APPEND_FLAG_END : 0);
		len = put_ranges(req, hdr, r, chunk);
		ret = rm_call_typed(rm, GH_RM_MSG_MEM_APPEND, req, len, NULL, NULL);
		if (ret)
			break;
		r += chunk;
		n -= chunk;
	}
	gh_os_free(req);
	return ret;
}

static int mem_create(struct gh_rm *rm, uint32_t msg_id, const struct gh_rm_mem_parcel *p,
                      uint32_t *handle)
{
	const size_t hdr = sizeof(struct gh_rm_mem_share_req_hdr);
	size_t first, len, off, i;
	uint8_t *req, *resp = NULL;
	size_t resp_len = 0;
	uint32_t h;
	int ret;

	if (!handle)
		return -EINVAL;
	*handle = GH_RM_MEM_HANDLE_INVALID;
	ret = check_parcel(p);
	if (ret)
		return ret;

	first = p->n_ranges > GH_RM_MEM_MAX_LIST_ENTRIES ? GH_RM_MEM_MAX_LIST_ENTRIES : p->n_ranges;
	/* At most 8 + 3 * 4 + 512 * (4 + 16 + 4) bytes: well inside GH_RM_RPC_MAX_PAYLOAD. */
	len = hdr + LIST_HDR + p->n_acl * ACL_SZ + LIST_HDR + first * SGL_SZ + LIST_HDR +
	      p->n_attrs * ATTR_SZ;
	req = gh_os_zalloc(len);
	if (!req)
		return -ENOMEM;
	rm_put8(req, RM_OFF(gh_rm_mem_share_req_hdr, mem_type), p->mem_type);
	rm_put8(req, RM_OFF(gh_rm_mem_share_req_hdr, flags),
	        (uint8_t)(p->flags | (first < p->n_ranges ? GH_RM_MEM_SHARE_FLAG_APPEND : 0)));
	rm_put32(req, RM_OFF(gh_rm_mem_share_req_hdr, label), p->label);
	off = put_list_hdr(req, hdr, p->n_acl);
	for (i = 0; i < p->n_acl; i++, off += ACL_SZ) {
		rm_put16(req, off + RM_OFF(gh_rm_mem_acl_entry, vmid), p->acl[i].vmid);
		rm_put8(req, off + RM_OFF(gh_rm_mem_acl_entry, perms), p->acl[i].perms);
	}
	off = put_ranges(req, off, p->ranges, first);
	off = put_list_hdr(req, off, p->n_attrs);
	for (i = 0; i < p->n_attrs; i++, off += ATTR_SZ) {
		rm_put16(req, off + RM_OFF(gh_rm_mem_attr_entry, attr), p->attrs[i].attr);
		rm_put16(req, off + RM_OFF(gh_rm_mem_attr_entry, vmid), p->attrs[i].vmid);
	}

	ret = rm_call_typed(rm, msg_id, req, off, (void **)&resp, &resp_len);
	gh_os_free(req);
	if (ret)
		return ret;
	if (resp_len != sizeof(struct gh_rm_mem_handle_resp)) {
		/* We cannot know which parcel the RM made, if any: nothing to reclaim. */
		gh_os_free(resp);
		return -EIO;
	}
	h = rm_get32(resp, RM_OFF(gh_rm_mem_handle_resp, mem_handle));
	gh_os_free(resp);
	if (h == GH_RM_MEM_HANDLE_INVALID)
		return -EIO;

	if (first < p->n_ranges) {
		ret = mem_append(rm, h, p->ranges + first, p->n_ranges - first);
		if (ret) {
			/* Best effort, and it must learn the outcome even with a signal pending. */
			uint8_t rq[sizeof(struct gh_rm_mem_reclaim_req)] = { 0 };

			rm_put32(rq, RM_OFF(gh_rm_mem_reclaim_req, mem_handle), h);
			rm_call_uninterruptible(rm, GH_RM_MSG_MEM_RECLAIM, rq, sizeof(rq));
			return ret;
		}
	}
	*handle = h;
	return 0;
}

int gh_rm_mem_lend(struct gh_rm *rm, const struct gh_rm_mem_parcel *p, uint32_t *handle)
{
	return mem_create(rm, GH_RM_MSG_MEM_LEND, p, handle);
}

int gh_rm_mem_share(struct gh_rm *rm, const struct gh_rm_mem_parcel *p, uint32_t *handle)
{
	return mem_create(rm, GH_RM_MSG_MEM_SHARE, p, handle);
}

int gh_rm_mem_reclaim(struct gh_rm *rm, uint32_t handle, uint8_t flags)
{
	uint8_t req[sizeof(struct gh_rm_mem_reclaim_req)] = { 0 };

	if (flags & ~GH_RM_MEM_RECLAIM_FLAG_SANITIZE)
		return -EINVAL;
	rm_put32(req, RM_OFF(gh_rm_mem_reclaim_req, mem_handle), handle);
	rm_put8(req, RM_OFF(gh_rm_mem_reclaim_req, flags), flags);
	return rm_call_uninterruptible(rm, GH_RM_MSG_MEM_RECLAIM, req, sizeof(req));
}
