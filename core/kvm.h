/* KVM's paravirtual clock interface (Linux Documentation/virt/kvm/x86/cpuid.rst and msr.rst). */
#ifndef TSCPROBE_KVM_H
#define TSCPROBE_KVM_H

#define KVM_SIGNATURE "KVMKVMKVM\0\0\0"
#define KVM_FEATURE_CLOCKSOURCE (1u << 0)  /* base + 1 EAX: system time at MSR 0x12 (deprecated) */
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3) /* system time at MSR 0x4b564d01 */
#define KVM_FEATURE_PV_UNHALT (1u << 7)
#define KVM_FEATURE_CLOCKSOURCE_STABLE (1u << 24)
/*
 * VirtualBox's KVM paravirtualization provider offers these and no other feature (VirtualBox GIMKvm.cpp, reference
 * F2): Linux KVM itself offers more (kvm-hyperv.json's 0x01007afb), so a bit beyond them is KVM's own.
 */
#define KVM_FEATURES_VIRTUALBOX_PROVIDER \
	(KVM_FEATURE_CLOCKSOURCE | KVM_FEATURE_CLOCKSOURCE2 | KVM_FEATURE_PV_UNHALT | KVM_FEATURE_CLOCKSOURCE_STABLE)

#define MSR_KVM_WALL_CLOCK 0x11u
#define MSR_KVM_SYSTEM_TIME 0x12u
#define MSR_KVM_WALL_CLOCK_NEW 0x4b564d00u
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01u
/* The system-time MSR holds a 4-byte aligned guest physical address and an enable bit in bit 0. */
#define KVM_SYSTEM_TIME_ENABLE 1ull

#endif
