/* What the inventory phase learns of the machine before anything is measured; read-only to every later phase. */
#ifndef TSCPROBE_PLATFORM_H
#define TSCPROBE_PLATFORM_H

#include "acpi.h"
#include "cpuid.h"
#include "hypervisor.h"
#include "identity.h"
#include "smbios.h"

/* Hyper-V's CPUID 0x40000003/4 as the guest sees them (TLFS), where a base says "Hv#1". */
struct hyperv_info {
	bool present;
	uint32_t base;
	uint32_t privileges;       /* 0x40000003 EAX: partition privilege mask, low half */
	uint32_t power_management; /* 0x40000003 ECX */
	uint32_t features;         /* 0x40000003 EDX */
	uint32_t hints;            /* 0x40000004 EAX */
};

/* Hyper-V's fields that matter for time, decoded from hyperv_info's raw registers (TLFS bit numbers). */
enum hyperv_register { HYPERV_PRIVILEGES, HYPERV_POWER_MANAGEMENT, HYPERV_FEATURES };
struct hyperv_field_def {
	const char *key; /* JSON member */
	enum hyperv_register reg;
	uint8_t low_bit, width; /* width 1 is a flag */
};
#define HYPERV_FIELD_COUNT 9
extern const struct hyperv_field_def hyperv_field_defs[HYPERV_FIELD_COUNT];
uint32_t hyperv_register_value(const struct hyperv_info *h, enum hyperv_register reg);
uint32_t hyperv_field_value(const struct hyperv_info *h, const struct hyperv_field_def *f);
const char *hyperv_register_name(enum hyperv_register reg); /* "privileges", "power_management", "features" */

/* VMware's backdoor GETVERSION, asked only where a base says "VMwareVMware" (core/vmware.c). */
struct vmware_info {
	bool answered;         /* EBX came back as the magic */
	uint32_t version;      /* EAX: the backdoor's version */
	uint32_t product_type; /* ECX: enum vmware_product_type */
};

struct platform {
	struct cpu_info cpu;
	struct hv_inventory hv;    /* every hypervisor base, never read past its max leaf */
	struct hyperv_info hyperv; /* decoded from hv, where a base speaks Hyper-V's interface */
	struct acpi_info acpi;
	struct smbios_info smbios; /* the firmware's account of the product (types 0, 1, 2, 3, 11) */
	struct vmware_info vmware;
	struct platform_identity identity; /* decided last, from everything above */
};

/*
 * The inventory phase (core/platform.c): CPUID, the hypervisor bases, Hyper-V's leaves, VMware's GETVERSION, the
 * ACPI and SMBIOS tables, then the identity decided from them.
 */
void platform_inventory(struct machine *m, struct platform *out);

/* Hyper-V's leaves from the first base that speaks its interface; all zero when none does (core/hyperv.c). */
void hyperv_decode(const struct hv_inventory *hv, struct hyperv_info *out);

/* VMware's backdoor GETVERSION where a base says "VMwareVMware"; all zero elsewhere (core/vmware.c). */
void vmware_identify(struct machine *m, const struct hv_inventory *hv, struct vmware_info *out);

#endif
