/* Hyper-V's enlightenments (TLFS): privileges and power-management hints, the frequency MSRs, the reference
 * TSC page, and the partition reference counter as a reference clock. */
#include "claims.h"
#include "hyperv.h"
#include "sink.h"
#include "timesource.h"

#define TWO_POW_64 18446744073709551616.0

#define HV_PAGE_MAX_TRIES 10000

const struct hyperv_field_def hyperv_field_defs[HYPERV_FIELD_COUNT] = {
	{"access_reference_counter", HYPERV_PRIVILEGES, 1, 1},       /* MSR 0x40000020 */
	{"access_reference_tsc", HYPERV_PRIVILEGES, 9, 1},           /* MSR 0x40000021, the TSC page */
	{"access_frequency_msrs", HYPERV_PRIVILEGES, 11, 1},         /* MSRs 0x40000022/23 */
	{"access_tsc_invariant_controls", HYPERV_PRIVILEGES, 15, 1}, /* MSR 0x40000118 */
	{"max_cstate", HYPERV_POWER_MANAGEMENT, 0, 4},               /* the deepest C-state the guest may ask for */
	{"hpet_needed_for_c3", HYPERV_POWER_MANAGEMENT, 4, 1},       /* the LAPIC timer stops in C3 */
	{"mwait_available", HYPERV_FEATURES, 0, 1},
	{"guest_idle_available", HYPERV_FEATURES, 5, 1},
	{"frequency_msrs_available", HYPERV_FEATURES, 8, 1},
};

uint32_t hyperv_register_value(const struct hyperv_info *h, enum hyperv_register reg)
{
	return reg == HYPERV_PRIVILEGES         ? h->privileges
	       : reg == HYPERV_POWER_MANAGEMENT ? h->power_management
						: h->features;
}

uint32_t hyperv_field_value(const struct hyperv_info *h, const struct hyperv_field_def *f)
{
	return (hyperv_register_value(h, f->reg) >> f->low_bit) & ((1u << f->width) - 1);
}

const char *hyperv_register_name(enum hyperv_register reg)
{
	return reg == HYPERV_PRIVILEGES         ? "privileges"
	       : reg == HYPERV_POWER_MANAGEMENT ? "power_management"
						: "features";
}

/* A base speaking the Hyper-V interface ("Hv#1"): Hyper-V itself, KVM's and VirtualBox's emulations. */
static const struct hv_base *hyperv_base(const struct hv_inventory *hv)
{
	for (uint32_t i = 0; i < hv->count; i++) {
		const struct hv_base *b = &hv->bases[i];
		const struct hv_leaf *interface = hv_find_leaf(b, b->base + 1);
		if (interface && interface->regs.eax == HV_INTERFACE_SIGNATURE &&
		    hv_find_leaf(b, b->base + HV_LEAF_FEATURES))
			return b;
	}
	return NULL;
}

void hyperv_decode(const struct hv_inventory *hv, struct hyperv_info *out)
{
	const struct hv_base *b = hyperv_base(hv);
	*out = (struct hyperv_info){0};
	if (!b)
		return;
	const struct hv_leaf *features = hv_find_leaf(b, b->base + HV_LEAF_FEATURES);
	const struct hv_leaf *hints = hv_find_leaf(b, b->base + HV_LEAF_HINTS);
	*out = (struct hyperv_info){
		.present = true,
		.base = b->base,
		.privileges = features->regs.eax,
		.power_management = features->regs.ecx,
		.features = features->regs.edx,
		.hints = hints ? hints->regs.eax : 0,
	};
}

static void frequency_msrs_claim(struct machine *m, const struct platform *p, struct claim_list *claims,
				 struct fault_log *faults)
{
	uint64_t tsc_hz, apic_hz;
	/* Linux uses them only when both the privilege and the feature bit say so. */
	if (!p->hyperv.present || !(p->hyperv.privileges & HV_ACCESS_FREQUENCY_MSRS) ||
	    !(p->hyperv.features & HV_FEATURE_FREQUENCY_MSRS_AVAILABLE) ||
	    !msr_read_logged(m, faults, HV_MSR_TSC_FREQUENCY, &tsc_hz))
		return;
	struct claim *c = claim_add(claims, &claim_source_hyperv_msr, HV_MSR_TSC_FREQUENCY, (double)tsc_hz);
	if (c && msr_read_logged(m, faults, HV_MSR_APIC_FREQUENCY, &apic_hz))
		claim_uint(c, "apic_hz", apic_hz);
}

/* Copy sequence, scale and offset while the sequence is non-zero and unchanged. */
static bool read_tsc_page(const volatile struct hv_reference_tsc_page *p, struct hv_reference_tsc_page *out)
{
	for (int tries = 0; tries < HV_PAGE_MAX_TRIES; tries++) {
		uint32_t sequence = p->sequence;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		out->scale = p->scale;
		out->offset = p->offset;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (sequence != 0 && sequence == p->sequence) {
			out->sequence = sequence;
			return true;
		}
	}
	return false;
}

static void tsc_page_claim(struct machine *m, const struct platform *p, struct claim_list *claims,
			   struct fault_log *faults)
{
	uint64_t phys, previous;
	struct hv_reference_tsc_page snap;

	if (!p->hyperv.present || !(p->hyperv.privileges & HV_ACCESS_REFERENCE_TSC))
		return;
	volatile void *page = m->page_alloc(m, &phys);
	if (!page)
		return;
	if (!msr_read_logged(m, faults, HV_MSR_REFERENCE_TSC, &previous) ||
	    !msr_write_logged(m, faults, HV_MSR_REFERENCE_TSC,
			      phys | (previous & HV_REFERENCE_TSC_PRESERVED) | HV_REFERENCE_TSC_ENABLE)) {
		m->page_free(m, page);
		return;
	}
	bool valid = read_tsc_page(page, &snap);
	bool restored = msr_write_logged(m, faults, HV_MSR_REFERENCE_TSC, previous);
	if (restored) /* otherwise the hypervisor may still write there: never reuse it */
		m->page_free(m, page);
	if (!valid) {
		fault_add(faults, "hv_tsc_page", HV_MSR_REFERENCE_TSC, ACCESS_UNSUPPORTED);
		return;
	}
	/* ReferenceTime = (TSC x scale) >> 64 in 100 ns units: the TSC rate is 10^7 x 2^64 / scale; a scale of 0
	 * under a valid sequence is a page the hypervisor never filled, a claim of no frequency. */
	struct claim *c = claim_add(claims, &claim_source_hyperv_page, HV_MSR_REFERENCE_TSC,
				    snap.scale ? HV_REFERENCE_HZ * TWO_POW_64 / (double)snap.scale : 0);
	if (!c)
		return;
	claim_uint(c, "sequence", snap.sequence);
	claim_hex(c, "scale", snap.scale);
	claim_int(c, "offset", snap.offset);
	claim_bool(c, "disabled_after", restored && !(previous & HV_REFERENCE_TSC_ENABLE));
}

const struct claim_source claim_source_hyperv_msr = {
	.name = "hyperv_tsc_frequency_msr",
	.label = "Hyper-V TSC frequency MSR 0x40000022",
	.family = "Hyper-V",
	.location = CLAIM_AT_MSR,
	.nature = CLAIM_NATURE_HZ,
	.empty_meaning = "the MSR reads 0",
	.collect = frequency_msrs_claim,
};

const struct claim_source claim_source_hyperv_page = {
	.name = "hyperv_reference_tsc_page",
	.label = "Hyper-V reference TSC page",
	.family = "Hyper-V",
	.location = CLAIM_AT_MSR,
	.nature = CLAIM_NATURE_SCALE,
	.empty_meaning = "the hypervisor never filled the page (a valid sequence, but its scale is 0)",
	.collect = tsc_page_claim,
};

static const char *hv_refcount_probe(struct time_source *s, struct machine *m, const struct platform *p,
				     struct fault_log *faults)
{
	uint64_t first;
	if (!p->hyperv.present)
		return "no Hyper-V interface";
	if (!(p->hyperv.privileges & HV_ACCESS_REFERENCE_COUNTER))
		return "the partition may not read the reference counter (0x40000003 EAX bit 1 clear)";
	if (!msr_read_logged(m, faults, HV_MSR_TIME_REF_COUNT, &first))
		return "reading MSR 0x40000020 faulted although it is advertised";
	s->address = HV_MSR_TIME_REF_COUNT;
	s->nominal_hz = HV_REFERENCE_HZ;
	s->modulus = 0;
	s->width_bits = 64;
	s->sampling = SAMPLING_COUNTER;
	format_string(s->detail, sizeof(s->detail), "partition reference counter, MSR 0x40000020, 100 ns units");
	return NULL;
}

static uint64_t hv_refcount_read(struct time_source *s, struct machine *m)
{
	uint64_t value;
	if (m->rdmsr(m, (uint32_t)s->address, &value) != ACCESS_OK) {
		time_source_note(s, "reading MSR 0x40000020 faulted during the measurement");
		return s->last_value;
	}
	s->last_value = value;
	return value;
}

const struct time_source_driver hv_refcount_driver = {
	.name = "hv_refcount",
	.label = "Hyper-V ref. counter",
	.probe = hv_refcount_probe,
	.read = hv_refcount_read,
};
