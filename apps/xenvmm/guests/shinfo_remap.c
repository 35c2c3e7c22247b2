/* Test 7: moving shared_info to a new GFN keeps its content and its host
 * page; the old GFN shows RAM again. */
#include "guest.h"

static void fill(uint64_t gfn, uint8_t v) { memset((void *)(gfn * 4096), v, 4096); }
static int all(uint64_t gfn, uint8_t v)
{
    const volatile uint8_t *p = (const volatile uint8_t *)(gfn * 4096);
    for (int i = 0; i < 4096; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

void test_main(void)
{
    hypercall_init();
    uint64_t g1 = SCRATCH_PAGE(16) / 4096, g2 = SCRATCH_PAGE(17) / 4096;
    fill(g1, 0xa1);
    fill(g2, 0xb2);
    GUEST_ASSERT_EQ(map_shared_info(g1), 0);
    volatile struct shared_info *s1 = (volatile struct shared_info *)(g1 * 4096);
    s1->evtchn_mask[1] = 0xfeed;
    s1->evtchn_pending[2] = 0xbeef;
    uint32_t wcv = s1->wc_version;
    uint32_t wcs = s1->wc_sec;
    /* Host returns the overlay HVA and raises pending_sel bit 11 on the
     * default vcpu_info just before the remap. */
    uint64_t hva = guest_sync(1, g1, 0, 0, 0);
    GUEST_ASSERT_EQ(s1->vcpu_info[0].evtchn_pending_sel, 1ull << 11);

    GUEST_ASSERT_EQ(map_shared_info(g2), 0);
    volatile struct shared_info *s2 = (volatile struct shared_info *)(g2 * 4096);
    GUEST_ASSERT_EQ(s2->evtchn_mask[1], 0xfeed);
    GUEST_ASSERT_EQ(s2->evtchn_pending[2], 0xbeef);
    GUEST_ASSERT_EQ(s2->wc_sec, wcs);
    GUEST_ASSERT(s2->wc_version >= wcv && !(s2->wc_version & 1));
    GUEST_ASSERT(all(g1, 0xa1)); /* the old GFN is plain RAM again, content intact */
    /* The event raised before the move is still pending at the new GFN. */
    GUEST_ASSERT_EQ(s2->vcpu_info[0].evtchn_pending_sel, 1ull << 11);
    GUEST_ASSERT_EQ(s2->vcpu_info[0].evtchn_upcall_pending, 1);
    GUEST_ASSERT_EQ(guest_sync(2, g2, hva, 0, 0), 0); /* same HVA, RAM under g2 kept */

    /* Negative: a GFN outside RAM is refused and shared_info stays put. */
    GUEST_ASSERT_EQ(map_shared_info(XENVMM_RAM_SIZE / 4096 + 16), -EINVAL);
    GUEST_ASSERT_EQ(s2->evtchn_mask[1], 0xfeed);
    GUEST_ASSERT_EQ(guest_sync(2, g2, hva, 0, 0), 0);
    /* Mapping at the current GFN again is a no-op. */
    GUEST_ASSERT_EQ(map_shared_info(g2), 0);
    GUEST_ASSERT_EQ(s2->evtchn_pending[2], 0xbeef);

    /* Back to g1: g2 shows its own RAM again. */
    GUEST_ASSERT_EQ(map_shared_info(g1), 0);
    GUEST_ASSERT(all(g2, 0xb2));
    GUEST_ASSERT_EQ(s1->evtchn_mask[1], 0xfeed);
    GUEST_ASSERT_EQ(guest_sync(2, g1, hva, 0, 0), 0);
}
