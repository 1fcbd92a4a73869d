/* Fixes: for every FAIL and WARN, what to change on the identified product, with the measured figures filled in. */
#include "report.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A watch series of a claim is judged as the claim: "watch.claim.kvmclock.4b564d01" takes the claim's fix. */
#define WATCH_PREFIX "watch."

/*
 * What fixes a verdict: the first row whose id prefix and suffix match and whose product is the identity's (NULL:
 * any). In the text, "{hz}" is the measured TSC rate in Hz, rounded to what the measurement resolves, and
 * "{product}" the identified product. Sources, row by row, in docs/verdicts.md ("Fixes").
 */
/* VirtualBox's rate comes from TMCpuTicksPerSecond, which /TM/TSCTicksPerSecond overrides (reference F1, F2). */
#define VIRTUALBOX_TSC_FIX                                                                                        \
	"On the host: VBoxManage setextradata \"<vm>\" \"VBoxInternal/TM/TSCTicksPerSecond\" {hz} (the measured " \
	"rate; VirtualBox logs the rate it uses as \"TM: cTSCTicksPerSecond=\" in VBox.log), or choose another "  \
	"paravirtualization provider: VBoxManage modifyvm \"<vm>\" --paravirtprovider none, and the guest "       \
	"calibrates the TSC itself"

static const struct fix_rule {
	const char *prefix, *suffix;
	const char *product;
	bool needs_figures; /* only a claim compared with the measurement: an empty one has no rate to set */
	const char *text;
} fix_rules[] = {
	{"claim.", "", IDENTITY_VIRTUALBOX, true, VIRTUALBOX_TSC_FIX},
	/* A kvmclock at odds with the other clocks is VirtualBox's stated rate again, seen as a clock. */
	{"reference.kvmclock.", "", IDENTITY_VIRTUALBOX, false, VIRTUALBOX_TSC_FIX},
	{"claim.", "", IDENTITY_QEMU, true,
	 "On the host: -cpu ...,tsc-frequency={hz},+invtsc (QEMU states the rate it is given, and invtsc tells the "
	 "guest the TSC keeps it); guest side: a Linux guest boots with no-kvmclock to calibrate the TSC itself"},
	{"claim.", "", IDENTITY_KVM, true,
	 "On the host, where the VMM is QEMU: -cpu ...,tsc-frequency={hz},+invtsc; guest side: a Linux guest boots "
	 "with no-kvmclock to calibrate the TSC itself"},
	{"claim.", "", IDENTITY_HYPERV, true,
	 "No documented fix: Hyper-V has no setting for the rate it states. Guest side: a Linux guest that keeps "
	 "time with clocksource=hpet or acpi_pm does not depend on it"},
	{"claim.kvmclock.", "", NULL, true,
	 "No documented host-side fix for {product}; guest side: a Linux guest boots with no-kvmclock to calibrate "
	 "the TSC itself ({hz} Hz measured)"},
	{"claim.", "", NULL, true,
	 "No documented fix for the rate {product} states is known; a guest must calibrate the TSC itself ({hz} Hz "
	 "measured)"},
	{"idle.busy.", "", NULL, false,
	 "No fix in the guest: the host descheduled the vCPU while it was busy; give the VM dedicated host CPUs or "
	 "a less loaded host"},
	{"idle.", ".tsc", IDENTITY_HYPERV, false,
	 "On the host (the hypervisor remaps C-states): change the BIOS so that C2 is not remapped to C3 "
	 "(preferred); or stop Hyper-V using C2/C3 with the DWORD Capabilities under "
	 "HKLM\\System\\CurrentControlSet\\Control\\Processor: 0x0007e666 on Hyper-V 1.0, 0x0007e066 on Hyper-V 2.0, "
	 "at a cost in power"},
	{"idle.", ".lapic", IDENTITY_HYPERV, false,
	 "On the host: change the BIOS so that C2 is not remapped to C3 (preferred); or the DWORD Capabilities under "
	 "HKLM\\System\\CurrentControlSet\\Control\\Processor: 0x0007e666 on Hyper-V 1.0, 0x0007e066 on Hyper-V 2.0, "
	 "at a cost in power"},
	{"invariant_tsc.absent", "", IDENTITY_HYPERV, false,
	 "No documented setting makes Hyper-V advertise an invariant TSC to this guest; where the TSC stops in idle, "
	 "the host-side C-state fix of the idle verdicts applies"},
	{"invariant_tsc.absent", "", IDENTITY_QEMU, false,
	 "On the host: -cpu ...,+invtsc,tsc-frequency={hz} (QEMU migrates a guest with invtsc only when its TSC "
	 "frequency is set)"},
	{"invariant_tsc.absent", "", IDENTITY_KVM, false,
	 "On the host, where the VMM is QEMU: -cpu ...,+invtsc,tsc-frequency={hz}"},
	{"idle.", ".tsc", NULL, false,
	 "No documented host-side fix for {product} is known; guest side: a Linux guest that keeps time with "
	 "clocksource=hpet or acpi_pm does not lose it when the TSC stops"},
	{"idle.", ".lapic", NULL, false,
	 "No documented host-side fix for {product} is known; guest side: a Linux guest kept out of the state "
	 "(processor.max_cstate=1) keeps its timer interrupts"},
	{"idle.mwait.", ".returns_at_once", NULL, false,
	 "No fix: {product} does not model MWAIT's idle states; a Linux guest idles with HLT instead with "
	 "idle=nomwait"},
	{"", "", NULL, false, "No documented fix is known for this on {product}"},
};

static bool text_starts(const char *text, const char *prefix)
{
	for (; *prefix; text++, prefix++)
		if (*text != *prefix)
			return false;
	return true;
}

static bool text_ends(const char *text, const char *suffix)
{
	size_t length = text_length(text), suffix_length = text_length(suffix);
	return length >= suffix_length && text_equal(text + length - suffix_length, suffix);
}

/* The measured rate in Hz, rounded to the power of ten its uncertainty resolves (3400109000 at +/- 0.5 ppm). */
static unsigned long long rounded_hz(const struct tsc_estimate *tsc)
{
	double resolved_hz = tsc->hz * tsc->uncertainty_ppm * 1e-6, step = 1;
	while (step * 10 <= resolved_hz)
		step *= 10;
	return (unsigned long long)(tsc->hz / step + 0.5) * (unsigned long long)step;
}

/* The rule's text with "{hz}" and "{product}" filled in. */
static void fill(const struct report *r, const char *text, char *dst, size_t size)
{
	struct buffer_sink out;
	buffer_sink_init(&out, dst, size);
	while (*text) {
		if (text_starts(text, "{hz}")) {
			if (r->tsc.valid)
				sink_printf(&out.sink, "%llu", rounded_hz(&r->tsc));
			else
				sink_puts(&out.sink, "<measured Hz>");
			text += 4;
		} else if (text_starts(text, "{product}")) {
			sink_puts(&out.sink, r->platform.identity.product);
			text += 9;
		} else {
			out.sink.write(&out.sink, text++, 1);
		}
	}
}

void fixes_attach(struct report *r)
{
	for (unsigned i = 0; i < r->verdict_count; i++) {
		struct verdict *v = &r->verdicts[i];
		const char *subject = v->id;
		if (v->severity != SEVERITY_FAIL && v->severity != SEVERITY_WARN)
			continue;
		if (text_starts(subject, WATCH_PREFIX "claim."))
			subject += text_length(WATCH_PREFIX);
		for (size_t k = 0; k < ARRAY_SIZE(fix_rules); k++) {
			const struct fix_rule *rule = &fix_rules[k];
			if (!text_starts(subject, rule->prefix) || !text_ends(subject, rule->suffix) ||
			    (rule->product && !text_equal(rule->product, r->platform.identity.product)) ||
			    (rule->needs_figures && (!v->has_figures || !r->tsc.valid)))
				continue;
			fill(r, rule->text, v->fix, sizeof(v->fix));
			break;
		}
	}
}
