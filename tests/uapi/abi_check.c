// SPDX-License-Identifier: GPL-2.0
/*
 * Binary layout check of struct drm_xe_mem_range_attr, the entry that
 * DRM_IOCTL_XE_VM_QUERY_MEM_RANGE_ATTRS fills.
 *
 * The ioctl rejects any sizeof_mem_range_attr other than the kernel's own
 * sizeof, so the size and the offset of every member that Linux 7.3 had
 * must never change. The numbers below were printed by a program built
 * against the headers exported from the pristine 7.3.4 tree
 * (make headers_install); they are not derived from the header under test.
 *
 * Build against exported UAPI headers, e.g.:
 *   cc -std=c11 -Wall -Werror -I <hdr>/usr/include -o abi_check abi_check.c
 * A layout change fails the build; the program itself only says "ok".
 */
#include <stddef.h>
#include <stdio.h>
#include <drm/xe_drm.h>

#define ATTR struct drm_xe_mem_range_attr
#define OFF(member, off) \
	_Static_assert(offsetof(ATTR, member) == (off), \
		       "drm_xe_mem_range_attr." #member " moved from offset " #off)

/* Size in 7.3 (the same for 32-bit x86 userspace). */
_Static_assert(sizeof(ATTR) == 64, "sizeof(struct drm_xe_mem_range_attr) changed from 64");

/* Every member of 7.3, at its 7.3 offset. */
OFF(extensions, 0);
OFF(start, 8);
OFF(end, 16);
OFF(preferred_mem_loc, 24);
OFF(preferred_mem_loc.devmem_fd, 24);
OFF(preferred_mem_loc.migration_policy, 28);
OFF(atomic, 32);
OFF(atomic.val, 32);
OFF(atomic.reserved, 36);
OFF(pat_index, 40);
OFF(pat_index.val, 40);
OFF(pat_index.reserved, 44);
OFF(reserved, 48);

/* 7.3 members that carry data keep their width. */
_Static_assert(sizeof(((ATTR *)0)->extensions) == 8, "extensions width");
_Static_assert(sizeof(((ATTR *)0)->start) == 8, "start width");
_Static_assert(sizeof(((ATTR *)0)->end) == 8, "end width");
_Static_assert(sizeof(((ATTR *)0)->preferred_mem_loc.devmem_fd) == 4, "devmem_fd width");
_Static_assert(sizeof(((ATTR *)0)->preferred_mem_loc.migration_policy) == 4,
	       "migration_policy width");
_Static_assert(sizeof(((ATTR *)0)->atomic.val) == 4, "atomic.val width");
_Static_assert(sizeof(((ATTR *)0)->pat_index.val) == 4, "pat_index.val width");

/*
 * Purgeable state reporting, once the header has it: it lives in what
 * was the second __u64 of reserved[], and uses the values of madvise's
 * DRM_XE_VMA_PURGEABLE_STATE_* (WILLNEED 0 and DONTNEED 1 are 7.3's).
 */
#ifdef DRM_XE_QUERY_CONFIG_FLAG_HAS_MEM_RANGE_PURGEABLE_STATE
OFF(purgeable_state, 56);
OFF(purgeable_state.val, 56);
OFF(purgeable_state.reserved, 60);
_Static_assert(sizeof(((ATTR *)0)->purgeable_state.val) == 4, "purgeable_state.val width");
_Static_assert(DRM_XE_QUERY_CONFIG_FLAG_HAS_MEM_RANGE_PURGEABLE_STATE == (1 << 6),
	       "config flag bit");
_Static_assert(DRM_XE_VMA_PURGEABLE_STATE_PURGED == 2, "PURGED value");
_Static_assert(DRM_XE_VMA_PURGEABLE_STATE_NO_BO == 3, "NO_BO value");
#endif

/* madvise's values, as in 7.3. */
_Static_assert(DRM_XE_VMA_PURGEABLE_STATE_WILLNEED == 0, "WILLNEED value");
_Static_assert(DRM_XE_VMA_PURGEABLE_STATE_DONTNEED == 1, "DONTNEED value");

int main(void)
{
	puts("drm_xe_mem_range_attr layout: ok");
	return 0;
}
