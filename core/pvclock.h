/* The pvclock ABI shared by KVM's kvmclock and Xen: a page the hypervisor writes, read with a version protocol. */
#ifndef TSCPROBE_PVCLOCK_H
#define TSCPROBE_PVCLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Linux arch/x86/include/asm/pvclock-abi.h: the record the hypervisor writes, 32 bytes. */
struct pvclock_vcpu_time_info {
	uint32_t version; /* odd while the host writes the record */
	uint32_t pad0;
	uint64_t tsc_timestamp;
	uint64_t system_time; /* ns at tsc_timestamp */
	uint32_t tsc_to_system_mul;
	int8_t tsc_shift;
	uint8_t flags;
	uint8_t pad[2];
};
_Static_assert(offsetof(struct pvclock_vcpu_time_info, tsc_timestamp) == 8, "pvclock ABI");
_Static_assert(offsetof(struct pvclock_vcpu_time_info, system_time) == 16, "pvclock ABI");
_Static_assert(offsetof(struct pvclock_vcpu_time_info, tsc_to_system_mul) == 24, "pvclock ABI");
_Static_assert(offsetof(struct pvclock_vcpu_time_info, tsc_shift) == 28, "pvclock ABI");
_Static_assert(offsetof(struct pvclock_vcpu_time_info, flags) == 29, "pvclock ABI");
_Static_assert(sizeof(struct pvclock_vcpu_time_info) == 32, "pvclock ABI");

/* The wall clock KVM writes at boot (MSR_KVM_WALL_CLOCK*). */
struct pvclock_wall_clock {
	uint32_t version, sec, nsec;
};
_Static_assert(sizeof(struct pvclock_wall_clock) == 12, "pvclock ABI");

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
