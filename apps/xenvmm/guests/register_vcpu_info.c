/* Test 10: VCPUOP_register_vcpu_info copies the old content and marks
 * everything pending once; later events land only at the new place. */
#include "guest.h"

static struct vcpu_register_vcpu_info reg;

static long do_register(uint32_t vcpu, uint64_t mfn, uint32_t offset)
{
    reg.mfn = mfn;
    reg.offset = offset;
    reg.rsvd = 0;
    return HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, vcpu, &reg);
}

void test_main(void)
{
    hypercall_init();
    uint64_t gfn = SCRATCH_PAGE(16) / 4096;
    GUEST_ASSERT_EQ(map_shared_info(gfn), 0);
    volatile struct shared_info *s = (volatile struct shared_info *)(gfn * 4096);
    volatile struct vcpu_info *def = &s->vcpu_info[0];
    def->arch_pad = 0x1122334455667788ull;
    def->cr2 = 0xc2c2c2c2ull;
    GUEST_ASSERT_EQ(guest_sync(1, 3, 0, 0, 0), 0); /* host raises bit 3 */
    GUEST_ASSERT_EQ(def->evtchn_pending_sel, 1ull << 3);

    uint64_t page = SCRATCH_PAGE(20) / 4096;
    memset((void *)(page * 4096), 0, 4096);
    /* Negative cases. */
    GUEST_ASSERT_EQ(do_register(0, page, 4033), -EINVAL);
    GUEST_ASSERT_EQ(do_register(0, page, 4), -EINVAL);
    GUEST_ASSERT_EQ(do_register(0, XENVMM_RAM_SIZE / 4096 + 1, 0), -EINVAL);
    GUEST_ASSERT_EQ(do_register(0, ~0ull, 0), -EINVAL);
    GUEST_ASSERT_EQ(do_register(0, gfn, 0), -EINVAL); /* not inside shared_info */
    GUEST_ASSERT_EQ(do_register(99, page, 0x40), -ENOENT);
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_info, 0, GVA_UNMAPPED), -EFAULT);

    GUEST_ASSERT_EQ(do_register(0, page, 0x40), 0);
    volatile struct vcpu_info *vi = (volatile struct vcpu_info *)(page * 4096 + 0x40);
    GUEST_ASSERT_EQ(vi->arch_pad, 0x1122334455667788ull); /* copied */
    GUEST_ASSERT_EQ(vi->cr2, 0xc2c2c2c2ull);
    GUEST_ASSERT_EQ(vi->evtchn_pending_sel, ~0ull);       /* everything pending */
    GUEST_ASSERT_EQ(vi->evtchn_upcall_pending, 1);
    GUEST_ASSERT(vi->time.version != 0 && !(vi->time.version & 1));
    uint32_t tv;
    GUEST_ASSERT(pvclock_read(&vi->time, &tv) != 0);
    /* Negative: a second registration is refused (newer Xen: -EBUSY). */
    GUEST_ASSERT_EQ(do_register(0, page, 0x80), -EBUSY);

    vi->evtchn_pending_sel = 0;
    vi->evtchn_upcall_pending = 0;
    def->evtchn_pending_sel = 0;
    def->evtchn_upcall_pending = 0;
    GUEST_ASSERT_EQ(guest_sync(1, 7, 0, 0, 0), 0); /* host raises bit 7 */
    GUEST_ASSERT_EQ(vi->evtchn_pending_sel, 1ull << 7);
    GUEST_ASSERT_EQ(vi->evtchn_upcall_pending, 1);
    GUEST_ASSERT_EQ(def->evtchn_pending_sel, 0);
    GUEST_ASSERT_EQ(def->evtchn_upcall_pending, 0);
    GUEST_ASSERT_EQ(guest_sync(2, page * 4096 + 0x40, 0, 0, 0), 0);
}
