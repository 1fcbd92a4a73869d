/* Local APIC timer registers (Intel SDM vol. 3A §11.5.4), named once for the driver, the simulator and the tests. */
#ifndef TSCPROBE_LAPIC_H
#define TSCPROBE_LAPIC_H

#define LAPIC_PAGE_BYTES 4096u
#define LAPIC_REGISTER_STRIDE 16u /* registers are 32 bits, one every 16 bytes */
#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_INITIAL_COUNT 0x380
#define LAPIC_CURRENT_COUNT 0x390
#define LAPIC_DIVIDE_CONFIG 0x3e0

/* LVT timer register fields. */
#define LVT_VECTOR_MASK 0xffu
#define LVT_MASKED (1u << 16)
#define LVT_MODE_SHIFT 17
#define LVT_MODE_MASK (3u << LVT_MODE_SHIFT)
#define LVT_MODE_ONE_SHOT 0u /* timer modes, the field's values */
#define LVT_MODE_PERIODIC 1u
#define LVT_MODE_TSC_DEADLINE 2u

/* Divide configuration: bits 3, 1 and 0 give the divisor; 0b1011 divides by 1. */
#define DIVIDE_CONFIG_BITS 0x0bu
#define DIVIDE_BY_1 0x0bu

/* IA32_APIC_BASE (SDM vol. 3A §11.4.4). */
#define MSR_IA32_APIC_BASE 0x1b
#define APIC_BASE_BSP (1ull << 8) /* this is the bootstrap processor */
#define APIC_BASE_X2APIC_ENABLE (1ull << 10)
#define APIC_BASE_XAPIC_ENABLE (1ull << 11)
#define APIC_BASE_ADDRESS_MASK 0xffffff000ull

#endif
