/* The one interface between the probe core and a machine: real hardware under UEFI, or the simulator. */
#ifndef TSCPROBE_MACHINE_H
#define TSCPROBE_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* Outcome of an access that may fault; a fault is a finding, never a crash. */
enum access_status {
	ACCESS_OK = 0,
	ACCESS_FAULT_GP,    /* #GP: MSR not implemented, or write refused */
	ACCESS_FAULT_UD,    /* #UD: instruction not available */
	ACCESS_UNSUPPORTED, /* this machine cannot perform the access at all */
};

/* How to idle: HLT, or MWAIT with a hint (EAX: C-state in bits 7:4, sub-state in bits 3:0). */
enum idle_method { IDLE_HLT, IDLE_MWAIT };

/* Registers in and out of VMware's backdoor (an IN from its port with a magic number in EAX). */
struct backdoor_regs {
	uint32_t eax, ebx, ecx, edx, esi, edi;
};

/* Wall-clock time as firmware (UEFI GetTime) or the RTC reports it. */
struct calendar_time {
	uint16_t year;
	uint8_t month, day, hour, minute, second;
	uint32_t nanosecond;
};

struct machine {
	const char *kind; /* "uefi" or "sim": shown in the report */

	/* CPUID with an explicit subleaf (ECX), always. */
	void (*cpuid)(struct machine *m, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out);
	enum access_status (*rdmsr)(struct machine *m, uint32_t msr, uint64_t *value);
	enum access_status (*wrmsr)(struct machine *m, uint32_t msr, uint64_t value);
	uint64_t (*rdtsc)(struct machine *m);

	/* Port I/O; width is 1, 2 or 4 bytes. */
	uint32_t (*io_read)(struct machine *m, uint16_t port, unsigned width);
	void (*io_write)(struct machine *m, uint16_t port, unsigned width, uint32_t value);
	/* Memory-mapped registers; width is 4 or 8 bytes. */
	uint64_t (*mmio_read)(struct machine *m, uint64_t phys, unsigned width);
	void (*mmio_write)(struct machine *m, uint64_t phys, unsigned width, uint64_t value);
	/* A readable view of len bytes of physical memory (ACPI tables), or NULL if unmapped. */
	const void *(*phys_map)(struct machine *m, uint64_t phys, uint64_t len);

	/* Firmware's wall clock (UEFI GetTime); ACCESS_UNSUPPORTED where there is none. */
	enum access_status (*firmware_time)(struct machine *m, struct calendar_time *out);
	/* Stop for about us microseconds without consuming the CPU (progress, countdowns). */
	void (*stall)(struct machine *m, uint32_t us);

	/* A zeroed 4 KiB page the probe owns, for a paravirtual clock page; its physical address in *phys.
	 * The hypervisor writes it behind the compiler's back: read it through volatile. NULL when none. */
	volatile void *(*page_alloc)(struct machine *m, uint64_t *phys);
	void (*page_free)(struct machine *m, volatile void *page);
	/* Idle once with interrupts enabled, until the next interrupt wakes the CPU: HLT, or MONITOR on a
	 * line the machine owns then MWAIT(hint). ACCESS_FAULT_UD when MONITOR/MWAIT fault. */
	enum access_status (*idle)(struct machine *m, enum idle_method method, uint32_t hint);
	const char *idle_wake_source; /* what wakes an idle CPU here, for the report */

	/* VMware's backdoor: `in` from port 0x5658 with *regs loaded, *regs as it returns. Only where the
	 * VMware signature was seen; ACCESS_UNSUPPORTED where the machine cannot do it. */
	enum access_status (*vmware_backdoor)(struct machine *m, struct backdoor_regs *regs);

	uint64_t acpi_rsdp;     /* physical address of the RSDP, 0 when firmware gave none */
	uint64_t smbios3_entry; /* physical address of the SMBIOS 3.x "_SM3_" entry point, 0 when none */
	uint64_t smbios_entry;  /* physical address of the SMBIOS 2.x "_SM_" entry point, 0 when none */
	void *ctx;              /* the implementation's own state */
};

#endif
