/* Every raw hardware access of the app: port I/O, TSC, MSRs, CPUID, interrupts, halt. The only file with asm. */
#ifndef TSCPROBE_HW_H
#define TSCPROBE_HW_H

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint16_t inw(uint16_t port)
{
	uint16_t v;
	__asm__ volatile("inw %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline uint32_t inl(uint16_t port)
{
	uint32_t v;
	__asm__ volatile("inl %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static inline void outb(uint16_t port, uint8_t v)
{
	__asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outw(uint16_t port, uint16_t v)
{
	__asm__ volatile("outw %0, %1" : : "a"(v), "Nd"(port));
}

static inline void outl(uint16_t port, uint32_t v)
{
	__asm__ volatile("outl %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint64_t rdtsc(void)
{
	return __builtin_ia32_rdtsc();
}

static inline void cpuid_count(uint32_t leaf, uint32_t subleaf, uint32_t *a, uint32_t *b, uint32_t *c, uint32_t *d)
{
	__asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(subleaf));
}

/* Exactly two bytes each (0F 32, 0F 30): the exception guard skips a faulting one by that length. */
#define MSR_INSTRUCTION_BYTES 2

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo = 0, hi = 0;
	__asm__ volatile("rdmsr" : "+a"(lo), "+d"(hi) : "c"(msr) : "memory");
	return (uint64_t)hi << 32 | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t v)
{
	__asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)) : "memory");
}

/* VMware's backdoor: a one-byte `in eax, dx` (ED) with the magic in EAX; the hypervisor answers in all six. */
#define BACKDOOR_INSTRUCTION_BYTES 1

static inline void vmware_backdoor_in(struct backdoor_regs *r)
{
	__asm__ volatile("inl %%dx, %%eax"
			 : "+a"(r->eax), "+b"(r->ebx), "+c"(r->ecx), "+d"(r->edx), "+S"(r->esi), "+D"(r->edi)
			 :
			 : "memory");
}

/* MONITOR (0F 01 C8) and MWAIT (0F 01 C9) are three bytes each: the guard skips a faulting one by that. */
#define MWAIT_INSTRUCTION_BYTES 3
#define RFLAGS_IF (1ull << 9)

static inline bool interrupts_enabled(void)
{
	uint64_t flags;
	__asm__ volatile("pushfq; popq %0" : "=r"(flags));
	return flags & RFLAGS_IF;
}

/* Sleep until the next interrupt (interrupts must be enabled, or this never returns). */
static inline void cpu_halt(void)
{
	__asm__ volatile("hlt" : : : "memory");
}

static inline void cpu_monitor_mwait(const volatile void *line, uint32_t hint)
{
	__asm__ volatile("monitor" : : "a"(line), "c"(0), "d"(0) : "memory");
	__asm__ volatile("mwait" : : "a"(hint), "c"(0) : "memory");
}

static inline uint64_t mmio_read64(uint64_t phys)
{
	return *(volatile uint64_t *)(uintptr_t)phys;
}

static inline uint32_t mmio_read32(uint64_t phys)
{
	return *(volatile uint32_t *)(uintptr_t)phys;
}

static inline void mmio_write64(uint64_t phys, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)phys = v;
}

static inline void mmio_write32(uint64_t phys, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)phys = v;
}

#endif
