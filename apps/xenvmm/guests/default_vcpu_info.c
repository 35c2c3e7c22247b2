/* Test 9: the default vcpu_info inside shared_info for vCPUs below 32. */
#include "guest.h"

void test_main(void)
{
    hypercall_init();
    /* The host raises selector bit 5 before shared_info is even mapped:
     * the default slot exists from domain creation, as in Xen. */
    GUEST_ASSERT_EQ(guest_sync(1, 5, 0, 0, 0), 0);
    uint64_t gfn = SCRATCH_PAGE(16) / 4096;
    GUEST_ASSERT_EQ(map_shared_info(gfn), 0);
    volatile struct shared_info *s = (volatile struct shared_info *)(gfn * 4096);
    uint32_t id = g_boot->vcpu_id;
    volatile struct vcpu_info *vi = &s->vcpu_info[id];
    GUEST_ASSERT_EQ(vi->evtchn_upcall_pending, 1);
    GUEST_ASSERT_EQ(vi->evtchn_pending_sel, 1ull << 5);
    GUEST_ASSERT(vi->time.version != 0 && !(vi->time.version & 1));
    vi->evtchn_upcall_pending = 0;
    vi->evtchn_pending_sel = 0;

    GUEST_ASSERT_EQ(guest_sync(1, 9, 0, 0, 0), 0);
    GUEST_ASSERT_EQ(vi->evtchn_upcall_pending, 1);
    GUEST_ASSERT_EQ(vi->evtchn_pending_sel, 1ull << 9);
    /* Negative: other slots stay untouched. */
    for (int i = 0; i < 32; i++)
        if ((uint32_t)i != id)
            GUEST_ASSERT_EQ(s->vcpu_info[i].evtchn_pending_sel, 0);
    /* Host: the bit is in the overlay page at the default slot. */
    GUEST_ASSERT_EQ(guest_sync(2, 9, 0, 0, 0), 0);
}
