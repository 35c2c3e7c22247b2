/* Hostile guest: loads an empty IDT and faults, which triple-faults the
 * vCPU. The VMM must report it as a guest error and stay up. */
#include "guest.h"

void test_main(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) idtr = {0, 0};
    __asm__ volatile("lidt %0" ::"m"(idtr));
    __asm__ volatile("ud2");
}
