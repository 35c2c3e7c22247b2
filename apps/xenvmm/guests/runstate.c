/* Test 12: the runstate area (crossing a page), the sum invariant, the
 * update flag of vm_assist. */
#include "guest.h"

static uint64_t area_arg;

struct rs {
    int32_t state;
    uint32_t pad;
    uint64_t entry;
    uint64_t time[4];
};

static void snapshot(volatile struct vcpu_runstate_info *r, struct rs *out)
{
    out->state = r->state;
    out->entry = r->state_entry_time;
    for (int i = 0; i < 4; i++)
        out->time[i] = r->time[i];
}

void test_main(void)
{
    hypercall_init();
    uint8_t *base = (uint8_t *)SCRATCH_PAGE(30);
    memset(base, 0xa5, 8192);
    uint64_t gva = (uint64_t)base + 4096 - 15; /* crosses the page boundary */

    /* Negative cases. */
    area_arg = GVA_UNMAPPED;
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area_arg), -EFAULT);
    area_arg = GVA_UNMAPPED - 15; /* first page fine, second unmapped */
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area_arg), -EFAULT);
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, GVA_UNMAPPED), -EFAULT);
    area_arg = gva;
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 99, &area_arg), -ENOENT);
    GUEST_ASSERT_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, 6), -EINVAL);
    GUEST_ASSERT_EQ(HYPERVISOR_vm_assist(7, VMASST_TYPE_runstate_update_flag), -ENOSYS);

    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area_arg), 0);
    volatile struct vcpu_runstate_info *r = (volatile struct vcpu_runstate_info *)gva;
    struct rs a, b;
    snapshot(r, &a);
    GUEST_ASSERT_EQ(a.state, RUNSTATE_running);
    GUEST_ASSERT_EQ(a.entry, a.time[0] + a.time[1] + a.time[2] + a.time[3]);
    GUEST_ASSERT(a.time[RUNSTATE_offline] != 0); /* time before the first run */
    /* Canary right after the 48-byte struct and right before it. */
    for (int i = 0; i < 16; i++)
        GUEST_ASSERT_EQ(((volatile uint8_t *)gva)[48 + i], 0xa5);
    GUEST_ASSERT_EQ(((volatile uint8_t *)gva)[-1], 0xa5);
    GUEST_ASSERT_EQ(guest_sync(1, gva, 0, 0, 0), 0); /* host: area == VMM copy */

    /* Yield: runnable for a moment, then running again; time moves on. */
    GUEST_ASSERT_EQ(HYPERVISOR_sched_op(SCHEDOP_yield, 0), 0);
    snapshot(r, &b);
    GUEST_ASSERT_EQ(b.state, RUNSTATE_running);
    GUEST_ASSERT(b.entry > a.entry);
    GUEST_ASSERT_EQ(b.entry, b.time[0] + b.time[1] + b.time[2] + b.time[3]);
    GUEST_ASSERT(b.time[RUNSTATE_running] >= a.time[RUNSTATE_running]);
    GUEST_ASSERT_EQ(guest_sync(1, gva, 0, 0, 0), 0);

    /* With the update flag, stable reads never see bit 63. */
    GUEST_ASSERT_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag), 0);
    for (int i = 0; i < 20; i++) {
        GUEST_ASSERT_EQ(HYPERVISOR_sched_op(SCHEDOP_yield, 0), 0);
        snapshot(r, &b);
        GUEST_ASSERT(!(b.entry & XEN_RUNSTATE_UPDATE));
        GUEST_ASSERT_EQ(b.entry, b.time[0] + b.time[1] + b.time[2] + b.time[3]);
    }
    for (int i = 0; i < 16; i++)
        GUEST_ASSERT_EQ(((volatile uint8_t *)gva)[48 + i], 0xa5);

    /* Address 0 unregisters: the area stops changing. */
    area_arg = 0;
    GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area_arg), 0);
    snapshot(r, &a);
    GUEST_ASSERT_EQ(HYPERVISOR_sched_op(SCHEDOP_yield, 0), 0);
    snapshot(r, &b);
    GUEST_ASSERT_EQ(b.entry, a.entry);
}
