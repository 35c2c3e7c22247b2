/* Test 29: SCHEDOP_shutdown. boot_info.arg selects the reason; the
 * soft_reset run checks the reset state and then powers off. */
#include "guest.h"

static uint32_t reason;
static uint64_t area_arg;

void test_main(void)
{
    hypercall_init();
    /* Negative cases. */
    reason = 6;
    GUEST_ASSERT_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, &reason), -EINVAL);
    reason = 0xffffffffu;
    GUEST_ASSERT_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, &reason), -EINVAL);
    GUEST_ASSERT_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, GVA_UNMAPPED), -EFAULT);
    GUEST_ASSERT_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, GVA_NOT_RAM), -EFAULT);
    GUEST_ASSERT_EQ(HYPERVISOR_sched_op(99, 0), -ENOSYS);

    uint32_t want = (uint32_t)g_boot->arg;
    if (want == SHUTDOWN_soft_reset) {
        uint64_t gfn = SCRATCH_PAGE(16) / 4096;
        memset((void *)(gfn * 4096), 0x3c, 4096);
        GUEST_ASSERT_EQ(map_shared_info(gfn), 0);
        area_arg = SCRATCH_PAGE(30);
        GUEST_ASSERT_EQ(HYPERVISOR_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &area_arg), 0);
        GUEST_ASSERT_EQ(HYPERVISOR_vm_assist(VMASST_CMD_enable, VMASST_TYPE_runstate_update_flag), 0);
        reason = SHUTDOWN_soft_reset;
        GUEST_ASSERT_EQ(HYPERVISOR_sched_op(SCHEDOP_shutdown, &reason), 0);
        /* shared_info is unmapped: the GFN shows its RAM again. */
        GUEST_ASSERT_EQ(*(volatile uint8_t *)(gfn * 4096), 0x3c);
        GUEST_ASSERT_EQ(guest_sync(1, 0, 0, 0, 0), 0); /* host: Xen state reset */
        /* The hypercall page survives and the domain can map shared_info again. */
        GUEST_ASSERT_EQ(map_shared_info(gfn), 0);
        GUEST_ASSERT(((volatile struct shared_info *)(gfn * 4096))->wc_version != 0);
        shutdown(SHUTDOWN_poweroff);
    }
    shutdown(want);
}
