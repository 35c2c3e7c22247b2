/* Test 6: XENMEM_add_to_physmap of shared_info. */
#include "guest.h"

static struct xen_add_to_physmap xatp;

static long add_to_physmap(uint16_t domid, uint32_t space, uint64_t idx, uint64_t gpfn)
{
    xatp.domid = domid;
    xatp.size = 0;
    xatp.space = space;
    xatp.idx = idx;
    xatp.gpfn = gpfn;
    return HYPERVISOR_memory_op(XENMEM_add_to_physmap, &xatp);
}

void test_main(void)
{
    hypercall_init();
    uint64_t gfn = SCRATCH_PAGE(16) / 4096;
    /* Negative cases first, while nothing is mapped. */
    GUEST_ASSERT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 1, gfn), -EINVAL);
    GUEST_ASSERT_EQ(add_to_physmap(DOMID_SELF, 99, 0, gfn), -EINVAL);
    GUEST_ASSERT_EQ(add_to_physmap(5, XENMAPSPACE_shared_info, 0, gfn), -ESRCH);
    GUEST_ASSERT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_gmfn, 0, gfn), -EOPNOTSUPP);
    GUEST_ASSERT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, XENVMM_RAM_SIZE / 4096 + 1), -EINVAL);
    GUEST_ASSERT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, ~0ull), -EINVAL);
    GUEST_ASSERT_EQ(HYPERVISOR_memory_op(XENMEM_add_to_physmap, GVA_UNMAPPED), -EFAULT);
    GUEST_ASSERT_EQ(HYPERVISOR_memory_op(99, &xatp), -ENOSYS);
    GUEST_ASSERT_EQ(guest_sync(1, 0, 0, 0, 0), 0); /* host: still unmapped */

    GUEST_ASSERT_EQ(add_to_physmap(DOMID_SELF, XENMAPSPACE_shared_info, 0, gfn), 0);
    volatile struct shared_info *s = (volatile struct shared_info *)(gfn * 4096);
    uint32_t wcv = s->wc_version;
    GUEST_ASSERT(wcv != 0 && !(wcv & 1));
    GUEST_ASSERT(s->wc_sec != 0);
    uint32_t tv;
    uint64_t now = pvclock_read(&s->vcpu_info[0].time, &tv);
    GUEST_ASSERT(tv != 0 && !(tv & 1));
    /* A guest write lands in the VMM's overlay page. */
    s->evtchn_mask[0] = 0x0123456789abcdefull;
    s->evtchn_mask[63] = 0xfedcba9876543210ull;
    /* Host: overlay at gfn, mask visible at its HVA, wallclock + system time
     * within 1 s of the host's real time. */
    GUEST_ASSERT_EQ(guest_sync(2, gfn, (uint64_t)s->wc_sec | (uint64_t)s->wc_sec_hi << 32, s->wc_nsec, now), 0);
}
