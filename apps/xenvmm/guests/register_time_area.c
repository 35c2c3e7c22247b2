/* Test 11: VCPUOP_register_vcpu_time_memory_area mirrors vcpu_info.time. */
#include "guest.h"

static uint64_t area_arg;

void test_main(void)
{
    hypercall_init();
    uint64_t gfn = SCRATCH_PAGE(16) / 4096;
    GUEST_ASSERT_EQ(map_shared_info(gfn), 0);
    volatile struct shared_info *s = (volatile struct shared_info *)(gfn * 4096);
    volatile struct vcpu_time_info *prim = &s->vcpu_info[0].time;
    /* The secondary copy crosses a page boundary on purpose. */
    uint64_t gva = SCRATCH_PAGE(24) + 4096 - 16;
    memset((void *)SCRATCH_PAGE(24), 0, 8192);

    /* Negative cases. */
    area_arg = GVA_UNMAPPED;
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &area_arg), -EFAULT);
    area_arg = GVA_NOT_RAM;
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &area_arg), -EFAULT);
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, GVA_UNMAPPED), -EFAULT);
    area_arg = gva;
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 99, &area_arg), -ENOENT);

    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_vcpu_time_memory_area, 0, &area_arg), 0);
    volatile struct vcpu_time_info *sec = (volatile struct vcpu_time_info *)gva;
    for (int round = 0; round < 2; round++) {
        uint32_t v = sec->version;
        GUEST_ASSERT(v != 0 && !(v & 1));
        GUEST_ASSERT_EQ(sec->tsc_timestamp, prim->tsc_timestamp);
        GUEST_ASSERT_EQ(sec->system_time, prim->system_time);
        GUEST_ASSERT_EQ(sec->tsc_to_system_mul, prim->tsc_to_system_mul);
        GUEST_ASSERT_EQ((uint8_t)sec->tsc_shift, (uint8_t)prim->tsc_shift);
        uint32_t v1, v2;
        uint64_t t1 = pvclock_read(prim, &v1);
        uint64_t t2 = pvclock_read(sec, &v2);
        GUEST_ASSERT(t2 >= t1);
        /* Host: rewrite the time; both copies must follow. */
        GUEST_ASSERT_EQ(guest_sync(1, gva, 0, 0, 0), 0);
        GUEST_ASSERT(sec->version != v);
    }
}
