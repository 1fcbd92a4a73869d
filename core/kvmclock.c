/* KVM's kvmclock: the TSC rate its pvclock scale claims, and its system time as a reference clock. */
#include "claims.h"
#include "kvm.h"
#include "sink.h"
#include "units.h"
#include "pvclock.h"
#include "timesource.h"

/* The system-time MSR the KVM base advertises (the newer pair first), or 0. */
static uint32_t system_time_msr(const struct hv_inventory *hv)
{
	const struct hv_base *kvm = hv_find_base(hv, KVM_SIGNATURE);
	const struct hv_leaf *features = kvm ? hv_find_leaf(kvm, kvm->base + 1) : NULL;
	if (!features)
		return 0;
	if (features->regs.eax & KVM_FEATURE_CLOCKSOURCE2)
		return MSR_KVM_SYSTEM_TIME_NEW;
	if (features->regs.eax & KVM_FEATURE_CLOCKSOURCE)
		return MSR_KVM_SYSTEM_TIME;
	return 0;
}

/* Point the MSR at a page of ours; saves the MSR's value in *previous. NULL when it could not be done. */
static volatile void *enable(struct machine *m, struct fault_log *faults, uint32_t msr, uint64_t *previous)
{
	uint64_t phys;
	volatile void *page = m->page_alloc(m, &phys);
	if (!page)
		return NULL;
	if (!msr_read_logged(m, faults, msr, previous) ||
	    !msr_write_logged(m, faults, msr, phys | KVM_SYSTEM_TIME_ENABLE)) {
		m->page_free(m, page);
		return NULL;
	}
	return page;
}

/* Put the MSR back; the page is freed only once the hypervisor no longer writes to it. */
static bool disable(struct machine *m, struct fault_log *faults, uint32_t msr, uint64_t previous, volatile void *page)
{
	if (!msr_write_logged(m, faults, msr, previous))
		return false; /* the page stays allocated: freeing it would let the host write into reused memory */
	m->page_free(m, page);
	return true;
}

static void kvmclock_claim(struct machine *m, const struct platform *p, struct claim_list *claims,
			   struct fault_log *faults)
{
	uint32_t msr = system_time_msr(&p->hv);
	uint64_t previous;
	struct pvclock_snapshot snap;

	if (!msr)
		return;
	volatile void *page = enable(m, faults, msr, &previous);
	if (!page)
		return;
	bool consistent = pvclock_read(page, &snap);
	bool restored = disable(m, faults, msr, previous, page);
	if (!consistent) {
		fault_add(faults, "pvclock_read", msr, ACCESS_UNSUPPORTED);
		return;
	}
	struct claim *c =
		claim_add(claims, &claim_source_kvmclock, msr, pvclock_tsc_hz(snap.tsc_to_system_mul, snap.tsc_shift));
	if (!c)
		return;
	claim_uint(c, "tsc_to_system_mul", snap.tsc_to_system_mul);
	claim_int(c, "tsc_shift", snap.tsc_shift);
	claim_hex(c, "flags", snap.flags);
	claim_bool(c, "stable", snap.flags & PVCLOCK_TSC_STABLE_BIT);
	claim_uint(c, "version", snap.version);
	claim_bool(c, "disabled_after", restored && previous == 0);
}

const struct claim_source claim_source_kvmclock = {
	.name = "kvmclock",
	.label = "KVM kvmclock (pvclock scale)",
	.family = "KVM",
	.location = CLAIM_AT_MSR,
	.nature = CLAIM_NATURE_SCALE,
	.empty_meaning = "the hypervisor never filled the page (its scale is 0)",
	.collect = kvmclock_claim,
};

static const char *kvmclock_probe(struct time_source *s, struct machine *m, const struct platform *p,
				  struct fault_log *faults)
{
	struct pvclock_snapshot snap;
	uint32_t msr = system_time_msr(&p->hv);

	if (!msr)
		return "no KVM base advertising kvmclock";
	s->page = enable(m, faults, msr, &s->saved[0]);
	if (!s->page)
		return "the system-time MSR or a page for it was not available";
	s->address = msr;
	if (!pvclock_read(s->page, &snap)) {
		disable(m, faults, msr, s->saved[0], s->page);
		return "its page's version stayed odd (the hypervisor never finished an update)";
	}
	if (snap.tsc_to_system_mul == 0) {
		disable(m, faults, msr, s->saved[0], s->page);
		return "the hypervisor never filled its page (scale 0): its time would stand still";
	}
	s->nominal_hz = NS_PER_S;
	s->modulus = 0;
	s->width_bits = 64;
	s->sampling = SAMPLING_COUNTER;
	s->tsc_derived = true; /* between host updates its time is the TSC through the claimed scale */
	format_string(s->detail, sizeof(s->detail),
		      "system time in ns from the pvclock page (MSR 0x%x), disabled after", msr);
	return NULL;
}

/* The guest's view of kvmclock now: the page's scale applied to the TSC, as a kernel would. */
static uint64_t kvmclock_read(struct time_source *s, struct machine *m)
{
	struct pvclock_snapshot snap;
	if (!pvclock_read(s->page, &snap)) {
		time_source_note(s, "its page's version stayed odd during the measurement");
		return s->last_value;
	}
	s->last_value = pvclock_ns(&snap, m->rdtsc(m));
	return s->last_value;
}

static void kvmclock_restore(struct time_source *s, struct machine *m)
{
	/* restore has no report to record a fault in; the claim's disabled_after already tells the story */
	if (m->wrmsr(m, (uint32_t)s->address, s->saved[0]) == ACCESS_OK)
		m->page_free(m, s->page);
}

const struct time_source_driver kvmclock_driver = {
	.name = "kvmclock",
	.label = "kvmclock",
	.probe = kvmclock_probe,
	.read = kvmclock_read,
	.restore = kvmclock_restore,
};
