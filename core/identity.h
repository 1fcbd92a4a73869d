/* The platform's identity: which product, which version, through which interface, decided from all the evidence. */
#ifndef TSCPROBE_IDENTITY_H
#define TSCPROBE_IDENTITY_H

#include <stdbool.h>
#include <stddef.h>

#define IDENTITY_NAME_BYTES 24
#define IDENTITY_TEXT_BYTES 48
#define IDENTITY_LINE_BYTES 112
#define IDENTITY_SOURCE_BYTES 24
#define IDENTITY_SAYS_BYTES 96
#define IDENTITY_MAX_EVIDENCE 16

/* Product names, for the identity and the fixes that depend on it. */
#define IDENTITY_VIRTUALBOX "VirtualBox"
#define IDENTITY_HYPERV "Hyper-V"
#define IDENTITY_QEMU "QEMU"
#define IDENTITY_KVM "KVM"
#define IDENTITY_BARE_METAL "bare metal"

/* One piece of evidence: where it was read ("CPUID 0x40000000", "SMBIOS type 1", "ACPI RSDP") and what it says. */
struct identity_evidence {
	char source[IDENTITY_SOURCE_BYTES];
	char says[IDENTITY_SAYS_BYTES];
};

struct platform_identity {
	char product[IDENTITY_NAME_BYTES];    /* "VirtualBox", "Hyper-V", "QEMU", "KVM", "bare metal", "unknown" */
	char version[IDENTITY_TEXT_BYTES];    /* "5.0.20 r106931", "10.0 build 20348", "" when unknown */
	char interface[IDENTITY_TEXT_BYTES];  /* "KVM paravirtualization provider", "Viridian enlightenments", "" */
	char summary[IDENTITY_LINE_BYTES];    /* "VirtualBox 5.0.20 r106931, KVM paravirtualization provider" */
	char short_name[IDENTITY_NAME_BYTES]; /* for a column title: "VirtualBox/KVM", "Xen/Viridian", "QEMU/TCG" */
	char conflict[IDENTITY_LINE_BYTES]; /* "SMBIOS type 1 says VirtualBox, CPUID 0x40000000 says QEMU TCG", or "" */
	unsigned evidence_count;
	struct identity_evidence evidence[IDENTITY_MAX_EVIDENCE];
};

/* The family of claims from the CPU's own leaves (0x15, 0x16), as the platform presents them. */
#define IDENTITY_FAMILY_CPU "CPU"

struct platform;

/* Decide the identity from the inventory's CPUID bases, VMware's GETVERSION, SMBIOS and ACPI (pure). */
void identity_decide(const struct platform *p, struct platform_identity *out);

/*
 * Who states a claim made through an interface family ("KVM", "Hyper-V", "Xen", "VMware", IDENTITY_FAMILY_CPU; NULL
 * for the interface in use): "VirtualBox's KVM paravirtualization provider", "Xen's Viridian enlightenments", "Xen",
 * "QEMU's virtual CPU", "the CPU".
 */
void identity_claimant(const struct platform_identity *id, const char *family, char *dst, size_t size);

/* The short form with the version where known: "VirtualBox/KVM 5.0.20 r106931" (compare tells twins apart so). */
void identity_versioned_short(const struct platform_identity *id, char *dst, size_t size);

#endif
