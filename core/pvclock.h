/* The pvclock ABI shared by KVM's kvmclock and Xen: a page the hypervisor writes, read with a version protocol. */
#ifndef TSCPROBE_PVCLOCK_H
#define TSCPROBE_PVCLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* A consistent copy of struct pvclock_vcpu_time_info (Linux asm/pvclock-abi.h). */
struct pvclock_snapshot {
	uint32_t version;
	uint64_t tsc_timestamp, system_time_ns;
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
};

#define PVCLOCK_TSC_STABLE_BIT 0x01

/* Copy the page's fields while its version is even and unchanged; false if it never is (bounded). */
bool pvclock_read(const volatile void *page, struct pvclock_snapshot *out);

/* The TSC rate the scale implies: 10^9 x 2^32 / mul, shifted by -tsc_shift. */
double pvclock_tsc_hz(uint32_t mul, int8_t shift);

/* Nanoseconds at tsc, as a guest trusting the page computes them. */
uint64_t pvclock_ns(const struct pvclock_snapshot *p, uint64_t tsc);

#endif
