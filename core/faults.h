/* Accesses that faulted or could not be made: findings the report lists, never a crash. */
#ifndef TSCPROBE_FAULTS_H
#define TSCPROBE_FAULTS_H

#include "machine.h"

#define FAULT_LOG_CAPACITY 16

struct fault {
	char access[16]; /* "rdmsr", "wrmsr", "vmware_backdoor" */
	uint32_t msr;    /* or the port */
	char status[16]; /* "#GP", "#UD", "unsupported" */
};

struct fault_log {
	unsigned count, dropped; /* dropped: faults past the capacity, counted only */
	struct fault entries[FAULT_LOG_CAPACITY];
};

/* Record an access that faulted (core/report.c). */
void fault_add(struct fault_log *log, const char *access, uint32_t msr, enum access_status status);

/* MSR access through the machine that records a fault; true when it worked. */
bool msr_read_logged(struct machine *m, struct fault_log *log, uint32_t msr, uint64_t *value);
bool msr_write_logged(struct machine *m, struct fault_log *log, uint32_t msr, uint64_t value);

#endif
