/* HPET registers (IA-PC HPET specification 1.0a, §2.3), named once for the driver, the simulator and the tests. */
#ifndef TSCPROBE_HPET_H
#define TSCPROBE_HPET_H

#define HPET_BLOCK_BYTES 1024u  /* the register block's size */
#define HPET_REGISTER_BYTES 8u  /* every register is 64 bits, readable as two 32-bit halves */
#define HPET_GCAP_ID 0x000      /* general capabilities and ID */
#define HPET_GEN_CONF 0x010     /* general configuration */
#define HPET_GEN_INT_STS 0x020  /* general interrupt status */
#define HPET_MAIN_COUNTER 0x0f0 /* main counter value */

/* GCAP_ID fields. */
#define HPET_REV_ID_MASK 0xffull
#define HPET_NUM_TIM_CAP_SHIFT 8         /* timers less one, bits 12:8 */
#define HPET_COUNT_SIZE_CAP (1ull << 13) /* the main counter is 64 bits wide */
#define HPET_LEG_RT_CAP (1ull << 15)     /* legacy replacement routing */
#define HPET_VENDOR_ID_SHIFT 16
#define HPET_COUNTER_CLK_PERIOD_SHIFT 32 /* the tick's period in femtoseconds, bits 63:32 */
/* §2.3.4: the period is at most 100 ns (10 MHz at least). */
#define HPET_MAX_PERIOD_FS 100000000ull

/* GEN_CONF fields. */
#define HPET_ENABLE_CNF 1ull /* the main counter runs */
#define HPET_LEG_RT_CNF 2ull

#endif
