/* The platform's identity: every piece of evidence weighed, the product named once, conflicts said aloud. */
#include "identity.h"
#include "kvm.h"
#include "platform.h"
#include "sink.h"
#include "vmware.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Products the evidence can name: their words are here and nowhere else. */
enum product {
	PRODUCT_NONE,
	PRODUCT_VIRTUALBOX,
	PRODUCT_HYPERV,
	PRODUCT_QEMU,
	PRODUCT_KVM, /* a KVM guest whose VMM (QEMU, cloud-hypervisor, Firecracker...) nothing names */
	PRODUCT_VMWARE,
	PRODUCT_XEN,
	PRODUCT_BHYVE,
	PRODUCT_ACRN,
	PRODUCT_PARALLELS,
	PRODUCT_COUNT
};
static const char *const product_names[PRODUCT_COUNT] = {
	[PRODUCT_NONE] = "unknown",
	[PRODUCT_VIRTUALBOX] = IDENTITY_VIRTUALBOX,
	[PRODUCT_HYPERV] = IDENTITY_HYPERV,
	[PRODUCT_QEMU] = IDENTITY_QEMU,
	[PRODUCT_KVM] = IDENTITY_KVM,
	[PRODUCT_VMWARE] = "VMware",
	[PRODUCT_XEN] = "Xen",
	[PRODUCT_BHYVE] = "bhyve",
	[PRODUCT_ACRN] = "ACRN",
	[PRODUCT_PARALLELS] = "Parallels",
};
#define ONLY(p) (1u << (p))

/*
 * How much a piece of evidence weighs. A signature only one product presents outweighs the firmware's strings
 * (QEMU's -smbios and x-oem-id dress any guest as anything), which outweigh a signature several products present.
 */
enum rank {
	RANK_NOTE,     /* says something, names no product */
	RANK_SHARED,   /* a signature other products imitate: "KVMKVMKVM", "Microsoft Hv" */
	RANK_FIRMWARE, /* SMBIOS strings, the ACPI OEM ID, VMware's backdoor */
	RANK_OWN,      /* a signature only its product presents */
};

struct weighed {
	enum product product;
	unsigned consistent; /* ONLY() of every product this evidence is consistent with */
	enum rank rank;
	const char *names; /* what a conflict calls it: "QEMU TCG", "VirtualBox" */
};

/*
 * CPUID signatures (shared/reference/hypervisor-time-interfaces.md A2) and who presents them: VirtualBox's KVM and
 * Hyper-V providers (GIMKvm.cpp, GIMHv.cpp, reference F2), Xen's Viridian and QEMU's hv-* enlightenments put
 * "Microsoft Hv" at 0x40000000 and their own signature at 0x40000100 (xen-viridian.json, kvm-hyperv.json).
 */
static const struct signature_rule {
	char signature[HV_SIGNATURE_BYTES];
	enum product product;
	unsigned presented_by;
} signature_rules[] = {
	{KVM_SIGNATURE, PRODUCT_KVM, ONLY(PRODUCT_KVM) | ONLY(PRODUCT_QEMU) | ONLY(PRODUCT_VIRTUALBOX)},
	{"Linux KVM Hv", PRODUCT_KVM, ONLY(PRODUCT_KVM) | ONLY(PRODUCT_QEMU)},
	{"Microsoft Hv", PRODUCT_HYPERV,
	 ONLY(PRODUCT_HYPERV) | ONLY(PRODUCT_XEN) | ONLY(PRODUCT_KVM) | ONLY(PRODUCT_QEMU) | ONLY(PRODUCT_VIRTUALBOX)},
	{"VBoxVBoxVBox", PRODUCT_VIRTUALBOX, ONLY(PRODUCT_VIRTUALBOX)},
	/* The Minimal provider's all-NUL signature: a base no other known product leaves unnamed, but a weak sign. */
	{"\0\0\0\0\0\0\0\0\0\0\0\0", PRODUCT_VIRTUALBOX, ONLY(PRODUCT_VIRTUALBOX) | ONLY(PRODUCT_NONE)},
	{"TCGTCGTCGTCG", PRODUCT_QEMU, ONLY(PRODUCT_QEMU)},
	{"XenVMMXenVMM", PRODUCT_XEN, ONLY(PRODUCT_XEN)},
	{VMWARE_SIGNATURE, PRODUCT_VMWARE, ONLY(PRODUCT_VMWARE)},
	{"bhyve bhyve ", PRODUCT_BHYVE, ONLY(PRODUCT_BHYVE)},
	{"ACRNACRNACRN", PRODUCT_ACRN, ONLY(PRODUCT_ACRN)},
	{" lrpepyh  vr", PRODUCT_PARALLELS, ONLY(PRODUCT_PARALLELS)},
	{"prl hyperv  ", PRODUCT_PARALLELS, ONLY(PRODUCT_PARALLELS)},
};

/*
 * SMBIOS strings that name a product (the facts systemd's virt.c and virt-what use; VirtualBox's DevPcBios/DevEFI
 * "innotek GmbH" / "VirtualBox"; QEMU's "QEMU" manufacturer; bhyve's "BHYVE" product). "Microsoft Corporation /
 * Virtual Machine" is also what other Microsoft platforms present: only a product version that says "Hyper-V"
 * ("Hyper-V UEFI Release v4.1") makes it Hyper-V, the fix systemd made in virt.c.
 */
enum smbios_field { FIELD_MANUFACTURER, FIELD_PRODUCT, FIELD_VERSION, FIELD_BIOS_VENDOR, FIELD_NONE };
static const struct smbios_rule {
	enum smbios_field field;
	const char *starts;
	enum smbios_field also_field; /* FIELD_NONE: no second condition */
	const char *also_contains;
	enum product product;
} smbios_rules[] = {
	{FIELD_MANUFACTURER, "innotek GmbH", FIELD_NONE, NULL, PRODUCT_VIRTUALBOX},
	{FIELD_PRODUCT, "VirtualBox", FIELD_NONE, NULL, PRODUCT_VIRTUALBOX},
	{FIELD_BIOS_VENDOR, "innotek GmbH", FIELD_NONE, NULL, PRODUCT_VIRTUALBOX},
	{FIELD_MANUFACTURER, "QEMU", FIELD_NONE, NULL, PRODUCT_QEMU},
	{FIELD_MANUFACTURER, "VMware", FIELD_NONE, NULL, PRODUCT_VMWARE},
	{FIELD_PRODUCT, "VMware", FIELD_NONE, NULL, PRODUCT_VMWARE},
	{FIELD_MANUFACTURER, "Xen", FIELD_NONE, NULL, PRODUCT_XEN},
	{FIELD_BIOS_VENDOR, "Xen", FIELD_NONE, NULL, PRODUCT_XEN},
	{FIELD_PRODUCT, "Virtual Machine", FIELD_VERSION, "Hyper-V", PRODUCT_HYPERV},
	{FIELD_PRODUCT, "BHYVE", FIELD_NONE, NULL, PRODUCT_BHYVE},
	{FIELD_MANUFACTURER, "Parallels", FIELD_NONE, NULL, PRODUCT_PARALLELS},
};
static const struct {
	const char *source, *key;
} smbios_field_words[] = {
	[FIELD_MANUFACTURER] = {"SMBIOS type 1", "manufacturer"},
	[FIELD_PRODUCT] = {"SMBIOS type 1", "product"},
	[FIELD_VERSION] = {"SMBIOS type 1", "version"},
	[FIELD_BIOS_VENDOR] = {"SMBIOS type 0", "vendor"},
};

/*
 * ACPI OEM IDs (RSDP): VirtualBox "VBOX  ", QEMU "BOCHS " (its ACPI_BUILD_APPNAME6), Hyper-V "VRTUAL", Xen "Xen",
 * VMware's EFI firmware "VMWARE", bhyve "BHYVE" (the shipped scenarios cite each).
 */
static const struct {
	const char *oem_id;
	enum product product;
} acpi_rules[] = {
	{"VBOX", PRODUCT_VIRTUALBOX}, {"BOCHS", PRODUCT_QEMU},    {"VRTUAL", PRODUCT_HYPERV},
	{"XEN", PRODUCT_XEN},         {"VMWARE", PRODUCT_VMWARE}, {"BHYVE", PRODUCT_BHYVE},
};

/*
 * The interface in use: the first base (in CPUID order) with a row for the product decides. A NULL joiner marks
 * the product's own interface, which the summary does not repeat. The family is whose interface it is, for claims.
 */
static const struct interface_rule {
	enum product product;
	char signature[HV_SIGNATURE_BYTES];
	const char *words, *tag, *joiner, *family;
} interface_rules[] = {
	{PRODUCT_VIRTUALBOX, KVM_SIGNATURE, "KVM paravirtualization provider", "KVM", ", ", "KVM"},
	{PRODUCT_VIRTUALBOX, "VBoxVBoxVBox", "Hyper-V paravirtualization provider", "Hyper-V", ", ", "Hyper-V"},
	{PRODUCT_VIRTUALBOX, "Microsoft Hv", "Hyper-V paravirtualization provider", "Hyper-V", ", ", "Hyper-V"},
	{PRODUCT_VIRTUALBOX, "\0\0\0\0\0\0\0\0\0\0\0\0", "Minimal paravirtualization provider", "Minimal", ", ", NULL},
	{PRODUCT_XEN, "Microsoft Hv", "Viridian enlightenments", "Viridian", " with ", "Hyper-V"},
	{PRODUCT_XEN, "XenVMMXenVMM", "Xen interface", NULL, NULL, "Xen"},
	{PRODUCT_QEMU, "TCGTCGTCGTCG", "TCG", "TCG", " under ", NULL},
	{PRODUCT_QEMU, "Microsoft Hv", "KVM with Hyper-V enlightenments", "KVM", " under ", "Hyper-V"},
	{PRODUCT_QEMU, KVM_SIGNATURE, "KVM", "KVM", " under ", "KVM"},
	{PRODUCT_KVM, "Microsoft Hv", "Hyper-V enlightenments", "Hyper-V", " with ", "Hyper-V"},
	{PRODUCT_KVM, KVM_SIGNATURE, "KVM interface", NULL, NULL, "KVM"},
	{PRODUCT_HYPERV, "Microsoft Hv", "Hyper-V interface", NULL, NULL, "Hyper-V"},
	{PRODUCT_VMWARE, VMWARE_SIGNATURE, "VMware interface", NULL, NULL, "VMware"},
};

/* GETVERSION's product types (open-vm-tools vm_vmx_type.h). */
static const char *const vmware_editions[VMWARE_PRODUCT_TYPE_COUNT] = {
	[VMWARE_PRODUCT_EXPRESS] = "Express",
	[VMWARE_PRODUCT_ESX] = "ESXi",
	[VMWARE_PRODUCT_SERVER] = "Server",
	[VMWARE_PRODUCT_WORKSTATION] = "Workstation",
	[VMWARE_PRODUCT_WORKSTATION_ENTERPRISE] = "ACE",
};

/* Offsets of the version leaves from their base: Hyper-V's 0x40000002 (TLFS), Xen's base + 1 (public cpuid.h). */
#define HYPERV_VERSION_LEAF_OFFSET 2u
#define XEN_VERSION_LEAF_OFFSET 1u
#define KVM_FEATURES_LEAF_OFFSET 1u

/* VirtualBox's SMBIOS type 11 OEM strings (DevPcBios.cpp / DevEFI.cpp): "vboxVer_5.0.20", "vboxRev_106931". */
#define VBOX_VERSION_PREFIX "vboxVer_"
#define VBOX_REVISION_PREFIX "vboxRev_"
/* QEMU's SMBIOS type 1 version is the machine type ("pc-q35-7.2", "pc-i440fx-8.0"): its last part is QEMU's. */
#define QEMU_MACHINE_PREFIX "pc-"

struct decision {
	const struct platform *p;
	struct platform_identity *out;
	struct weighed weights[IDENTITY_MAX_EVIDENCE];
};

/* ASCII case folding: 'a' - 'A' is bit 5. */
static unsigned char lower(char c)
{
	unsigned char u = (unsigned char)c;
	return u >= 'A' && u <= 'Z' ? (unsigned char)(u | 0x20u) : u;
}

/* Whether text starts with prefix, ignoring case: firmware strings vary in case ("Xen", "XEN"). */
static bool starts_with(const char *text, const char *prefix)
{
	for (; *prefix; text++, prefix++)
		if (lower(*text) != lower(*prefix))
			return false;
	return true;
}

static bool contains(const char *text, const char *part)
{
	for (; *text; text++)
		if (starts_with(text, part))
			return true;
	return false;
}

static bool signature_is(const uint8_t *signature, const char *text)
{
	for (int i = 0; i < HV_SIGNATURE_BYTES; i++)
		if (signature[i] != (uint8_t)text[i])
			return false;
	return true;
}

static void add_evidence(struct decision *d, const char *source, const char *says, struct weighed weight)
{
	struct platform_identity *out = d->out;
	if (out->evidence_count == IDENTITY_MAX_EVIDENCE)
		return;
	text_copy(out->evidence[out->evidence_count].source, IDENTITY_SOURCE_BYTES, source);
	text_copy(out->evidence[out->evidence_count].says, IDENTITY_SAYS_BYTES, says);
	d->weights[out->evidence_count++] = weight;
}

static struct weighed names_product(enum product product, enum rank rank)
{
	return (struct weighed){product, ONLY(product), rank, product_names[product]};
}

static void weigh_bases(struct decision *d)
{
	const struct hv_inventory *hv = &d->p->hv;
	char source[IDENTITY_SOURCE_BYTES], says[IDENTITY_SAYS_BYTES], signature[HV_SIGNATURE_TEXT_BYTES];

	for (uint32_t i = 0; i < hv->count; i++) {
		const struct hv_base *b = &hv->bases[i];
		const char *name = hv_name(b->signature);
		struct weighed weight = {.names = name ? name : "an unknown hypervisor", .rank = RANK_NOTE};
		for (size_t r = 0; r < ARRAY_SIZE(signature_rules); r++)
			if (signature_is(b->signature, signature_rules[r].signature)) {
				unsigned presented_by = signature_rules[r].presented_by;
				weight.product = signature_rules[r].product;
				weight.consistent = presented_by;
				weight.rank = presented_by == ONLY(weight.product) ? RANK_OWN : RANK_SHARED;
			}
		const struct hv_leaf *features = hv_find_leaf(b, b->base + KVM_FEATURES_LEAF_OFFSET);
		bool kvm = signature_is(b->signature, KVM_SIGNATURE);
		/* Features beyond what VirtualBox's provider offers are Linux KVM's own. */
		if (kvm && features && (features->regs.eax & ~KVM_FEATURES_VIRTUALBOX_PROVIDER))
			weight.consistent &= ~ONLY(PRODUCT_VIRTUALBOX);
		hv_signature_text(b->signature, signature);
		format_string(source, sizeof(source), "CPUID 0x%08x", b->base);
		format_string(says, sizeof(says), "\"%s\": %s", signature, weight.names);
		add_evidence(d, source, says, weight);
		if (kvm && features) {
			format_string(source, sizeof(source), "CPUID 0x%08x", features->leaf);
			format_string(says, sizeof(says), "KVM features 0x%08x: %s", features->regs.eax,
				      weight.consistent & ONLY(PRODUCT_VIRTUALBOX)
					      ? "no more than VirtualBox's KVM provider offers"
					      : "more than VirtualBox's KVM provider offers: Linux KVM's own");
			add_evidence(d, source, says, (struct weighed){.rank = RANK_NOTE});
		}
	}
}

static const char *smbios_text(const struct smbios_info *s, enum smbios_field field)
{
	const char *const texts[] = {
		[FIELD_MANUFACTURER] = s->manufacturer,
		[FIELD_PRODUCT] = s->product,
		[FIELD_VERSION] = s->version,
		[FIELD_BIOS_VENDOR] = s->bios_vendor,
	};
	return field < FIELD_NONE ? texts[field] : "";
}

static void weigh_smbios(struct decision *d)
{
	const struct smbios_info *s = &d->p->smbios;
	char says[IDENTITY_SAYS_BYTES];

	if (!s->present)
		return;
	for (size_t r = 0; r < ARRAY_SIZE(smbios_rules); r++) {
		const struct smbios_rule *rule = &smbios_rules[r];
		const char *text = smbios_text(s, rule->field);
		if (!text[0] || !starts_with(text, rule->starts) ||
		    (rule->also_field != FIELD_NONE &&
		     !contains(smbios_text(s, rule->also_field), rule->also_contains)))
			continue;
		if (rule->also_field != FIELD_NONE)
			format_string(says, sizeof(says), "%s \"%s\", %s \"%s\": %s",
				      smbios_field_words[rule->field].key, text,
				      smbios_field_words[rule->also_field].key, smbios_text(s, rule->also_field),
				      product_names[rule->product]);
		else
			format_string(says, sizeof(says), "%s \"%s\": %s", smbios_field_words[rule->field].key, text,
				      product_names[rule->product]);
		add_evidence(d, smbios_field_words[rule->field].source, says,
			     names_product(rule->product, RANK_FIRMWARE));
	}
	for (unsigned i = 0; i < s->oem_string_count; i++)
		if (starts_with(s->oem_strings[i], VBOX_VERSION_PREFIX) ||
		    starts_with(s->oem_strings[i], VBOX_REVISION_PREFIX)) {
			format_string(says, sizeof(says), "OEM string \"%s\": VirtualBox", s->oem_strings[i]);
			add_evidence(d, "SMBIOS type 11", says, names_product(PRODUCT_VIRTUALBOX, RANK_FIRMWARE));
		}
}

static void weigh_firmware(struct decision *d)
{
	const struct platform *p = d->p;
	char says[IDENTITY_SAYS_BYTES];

	weigh_smbios(d);
	for (size_t r = 0; p->acpi.rsdp_found && r < ARRAY_SIZE(acpi_rules); r++)
		if (starts_with(p->acpi.oem_id, acpi_rules[r].oem_id)) {
			format_string(says, sizeof(says), "OEM ID \"%s\": %s", p->acpi.oem_id,
				      product_names[acpi_rules[r].product]);
			add_evidence(d, "ACPI RSDP", says, names_product(acpi_rules[r].product, RANK_FIRMWARE));
		}
	if (p->vmware.answered) {
		const char *edition = p->vmware.product_type < VMWARE_PRODUCT_TYPE_COUNT
					      ? vmware_editions[p->vmware.product_type]
					      : NULL;
		format_string(says, sizeof(says), "GETVERSION answers: version %u, product type %u (%s)",
			      p->vmware.version, p->vmware.product_type, edition ? edition : "not named");
		add_evidence(d, "VMware backdoor", says, names_product(PRODUCT_VMWARE, RANK_FIRMWARE));
	}
}

/* The product most evidence supports: its strongest support first, then the sum; the first named wins a tie. */
static enum product choose_product(const struct decision *d)
{
	enum product best = PRODUCT_NONE;
	unsigned best_rank = 0, best_sum = 0;

	for (unsigned i = 0; i < d->out->evidence_count; i++) {
		enum product candidate = d->weights[i].product;
		unsigned top = 0, sum = 0;
		if (candidate == PRODUCT_NONE || d->weights[i].rank == RANK_NOTE)
			continue;
		for (unsigned j = 0; j < d->out->evidence_count; j++)
			if (d->weights[j].rank != RANK_NOTE && d->weights[j].consistent & ONLY(candidate)) {
				top = top > d->weights[j].rank ? top : d->weights[j].rank;
				sum += d->weights[j].rank;
			}
		if (top > best_rank || (top == best_rank && sum > best_sum)) {
			best = candidate;
			best_rank = top;
			best_sum = sum;
		}
	}
	return best;
}

/* The strongest evidence against the product, named beside the strongest for it. */
static void name_conflict(struct decision *d, enum product product)
{
	int against = -1, for_it = -1;
	for (unsigned i = 0; i < d->out->evidence_count; i++) {
		const struct weighed *w = &d->weights[i];
		if (w->rank == RANK_NOTE)
			continue;
		if (!(w->consistent & ONLY(product)) && (against < 0 || w->rank > d->weights[against].rank))
			against = (int)i;
		if (w->product == product && (for_it < 0 || w->rank > d->weights[for_it].rank))
			for_it = (int)i;
	}
	if (against < 0 || for_it < 0)
		return;
	format_string(d->out->conflict, sizeof(d->out->conflict), "%s says %s, %s says %s",
		      d->out->evidence[against].source, d->weights[against].names, d->out->evidence[for_it].source,
		      d->weights[for_it].names);
}

static const char *oem_value(const struct smbios_info *s, const char *prefix)
{
	for (unsigned i = 0; i < s->oem_string_count; i++)
		if (starts_with(s->oem_strings[i], prefix))
			return s->oem_strings[i] + text_length(prefix);
	return NULL;
}

/* The version, where the product states one; "" elsewhere. */
static void find_version(const struct platform *p, enum product product, char *dst, size_t size)
{
	const struct hv_base *base;
	const struct hv_leaf *leaf;

	if (product == PRODUCT_VIRTUALBOX && p->smbios.present && oem_value(&p->smbios, VBOX_VERSION_PREFIX)) {
		const char *revision = oem_value(&p->smbios, VBOX_REVISION_PREFIX);
		format_string(dst, size, "%s%s%s", oem_value(&p->smbios, VBOX_VERSION_PREFIX), revision ? " r" : "",
			      revision ? revision : "");
	} else if (product == PRODUCT_QEMU && p->smbios.present &&
		   starts_with(p->smbios.version, QEMU_MACHINE_PREFIX)) {
		const char *release = p->smbios.version;
		for (const char *c = p->smbios.version; *c; c++)
			if (*c == '-')
				release = c + 1;
		format_string(dst, size, "%s (%s)", release, p->smbios.version);
	} else if (product == PRODUCT_HYPERV && (base = hv_find_base(&p->hv, "Microsoft Hv")) &&
		   (leaf = hv_find_leaf(base, base->base + HYPERV_VERSION_LEAF_OFFSET)) && leaf->regs.eax) {
		/* TLFS: EAX the build number, EBX bits 31:16 the major and 15:0 the minor version. */
		format_string(dst, size, "%u.%u build %u", leaf->regs.ebx >> 16, leaf->regs.ebx & 0xffffu,
			      leaf->regs.eax);
	} else if (product == PRODUCT_XEN && (base = hv_find_base(&p->hv, "XenVMMXenVMM")) &&
		   (leaf = hv_find_leaf(base, base->base + XEN_VERSION_LEAF_OFFSET)) && leaf->regs.eax) {
		/* Xen's public cpuid.h: base + 1 EAX = major << 16 | minor. */
		format_string(dst, size, "%u.%u", leaf->regs.eax >> 16, leaf->regs.eax & 0xffffu);
	} else if (product == PRODUCT_VMWARE && p->vmware.answered &&
		   p->vmware.product_type < VMWARE_PRODUCT_TYPE_COUNT && vmware_editions[p->vmware.product_type]) {
		text_copy(dst, size, vmware_editions[p->vmware.product_type]);
	}
}

static const struct interface_rule *find_interface(const struct hv_inventory *hv, enum product product)
{
	for (uint32_t i = 0; i < hv->count; i++)
		for (size_t r = 0; r < ARRAY_SIZE(interface_rules); r++)
			if (interface_rules[r].product == product &&
			    signature_is(hv->bases[i].signature, interface_rules[r].signature))
				return &interface_rules[r];
	return NULL;
}

/* The interface rule for the identity's product and interface, when the identity came back from a report. */
static const struct interface_rule *interface_of(const struct platform_identity *id)
{
	for (size_t r = 0; r < ARRAY_SIZE(interface_rules); r++)
		if (text_equal(product_names[interface_rules[r].product], id->product) &&
		    text_equal(interface_rules[r].words, id->interface))
			return &interface_rules[r];
	return NULL;
}

void identity_decide(const struct platform *p, struct platform_identity *out)
{
	struct decision d = {.p = p, .out = out};

	*out = (struct platform_identity){0};
	weigh_bases(&d);
	weigh_firmware(&d);
	enum product product = choose_product(&d);
	if (product == PRODUCT_NONE) {
		bool virtual = p->cpu.features[CPU_FEATURE_HYPERVISOR] || p->hv.count;
		text_copy(out->product, sizeof(out->product),
			  virtual ? product_names[PRODUCT_NONE] : IDENTITY_BARE_METAL);
		text_copy(out->short_name, sizeof(out->short_name), out->product);
		if (!virtual)
			text_copy(out->summary, sizeof(out->summary), IDENTITY_BARE_METAL);
		else if (p->hv.count)
			format_string(out->summary, sizeof(out->summary), "unknown hypervisor (CPUID 0x%08x: %s)",
				      p->hv.bases[0].base, d.weights[0].names);
		else
			text_copy(out->summary, sizeof(out->summary), "unknown hypervisor (no CPUID base names it)");
		return;
	}
	const struct interface_rule *interface = find_interface(&p->hv, product);
	text_copy(out->product, sizeof(out->product), product_names[product]);
	find_version(p, product, out->version, sizeof(out->version));
	text_copy(out->interface, sizeof(out->interface), interface ? interface->words : "");
	format_string(out->summary, sizeof(out->summary), "%s%s%s%s%s", out->product, out->version[0] ? " " : "",
		      out->version, interface && interface->joiner ? interface->joiner : "",
		      interface && interface->joiner ? interface->words : "");
	format_string(out->short_name, sizeof(out->short_name), "%s%s%s", out->product,
		      interface && interface->tag ? "/" : "", interface && interface->tag ? interface->tag : "");
	name_conflict(&d, product);
}

void identity_claimant(const struct platform_identity *id, const char *family, char *dst, size_t size)
{
	const struct interface_rule *interface = interface_of(id);
	bool named_interface = interface && interface->joiner;

	if (text_equal(id->product, IDENTITY_BARE_METAL) || !id->product[0])
		text_copy(dst, size, family && text_equal(family, IDENTITY_FAMILY_CPU) ? "The CPU" : "The platform");
	else if (family && text_equal(family, IDENTITY_FAMILY_CPU))
		format_string(dst, size, "%s's virtual CPU", id->product);
	else if (named_interface && (!family || (interface->family && text_equal(family, interface->family))))
		format_string(dst, size, "%s's %s", id->product, interface->words);
	else if (family && !text_equal(family, id->product))
		format_string(dst, size, "%s's %s interface", id->product, family);
	else
		text_copy(dst, size, id->product);
}

void identity_versioned_short(const struct platform_identity *id, char *dst, size_t size)
{
	format_string(dst, size, "%s%s%s", id->short_name, id->version[0] ? " " : "", id->version);
}
