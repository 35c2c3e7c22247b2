/* Test 5: console_io write, with bad and over-long arguments. */
#include "guest.h"

void test_main(void)
{
    hypercall_init();
    GUEST_ASSERT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 5, "hello"), 0);
    GUEST_ASSERT_EQ(guest_sync(1, 5, 0, 0, 0), 0); /* host: console == "hello" */

    /* Negative cases. */
    GUEST_ASSERT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 0, GVA_UNMAPPED), 0);
    GUEST_ASSERT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 4, GVA_UNMAPPED), -EFAULT);
    GUEST_ASSERT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 4, GVA_NOT_RAM), -EFAULT);
    GUEST_ASSERT_EQ(HYPERVISOR_console_io(7, 4, "oops"), -ENOSYS);
    GUEST_ASSERT_EQ(guest_sync(1, 5, 0, 0, 0), 0); /* nothing was added */

    /* count is an unsigned int: the upper half of the register is ignored. */
    GUEST_ASSERT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, (1ull << 32) | 3, "abc"), 0);
    GUEST_ASSERT_EQ(guest_sync(1, 8, 0, 0, 0), 0);

    /* Over-long count: capped at 16 KiB per call, the rest not read. */
    char *buf = (char *)SCRATCH_BASE;
    memset(buf, 'x', 16384);
    GUEST_ASSERT_EQ(HYPERVISOR_console_io(CONSOLEIO_write, 0xffffffffu, buf), 0);
    GUEST_ASSERT_EQ(guest_sync(1, 8 + 16384, 0, 0, 0), 0);
}
