/* Smallest Xen guest: hypercall page, console output, poweroff. */
#include "guest.h"

void test_main(void)
{
    hypercall_init();
    console_write("Hello from a Xen HVM guest on xenvmm\n");
    shutdown(SHUTDOWN_poweroff);
}
