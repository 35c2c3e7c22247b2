/* Hostile guest: spins forever without a single exit. The VMM's watchdog
 * must end the run (`xenvmm run spin --timeout 2` exits 20). */
#include "guest.h"

void test_main(void)
{
    for (;;)
        __asm__ volatile("pause");
}
