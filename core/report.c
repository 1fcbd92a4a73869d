/* The report model's own API: every phase adds to the report through these, and nothing else writes it. */
#include "report.h"

struct claim *claim_add(struct claim_list *claims, const struct claim_source *source, uint32_t where, double tsc_hz)
{
	if (claims->count == CLAIM_LIST_CAPACITY)
		return NULL;
	struct claim *c = &claims->items[claims->count++];
	*c = (struct claim){
		.kind = source, .where = where, .status = tsc_hz > 0 ? CLAIM_STATED : CLAIM_EMPTY, .tsc_hz = tsc_hz};
	text_copy(c->source, sizeof(c->source), source->name);
	text_copy(c->label, sizeof(c->label), source->label);
	return c;
}

static struct claim_detail *detail(struct claim *c, const char *key, enum detail_kind kind)
{
	if (c->detail_count == CLAIM_MAX_DETAILS)
		return NULL;
	struct claim_detail *d = &c->details[c->detail_count++];
	*d = (struct claim_detail){.kind = kind};
	text_copy(d->key, sizeof(d->key), key);
	return d;
}

/* JSON readers keep integers below 2^63: a larger value (a garbage MSR) is written as hex. */
void claim_uint(struct claim *c, const char *key, uint64_t value)
{
	struct claim_detail *d = detail(c, key, value > INT64_MAX ? DETAIL_HEX : DETAIL_UINT);
	if (d)
		d->u = value;
}

void claim_hex(struct claim *c, const char *key, uint64_t value)
{
	struct claim_detail *d = detail(c, key, DETAIL_HEX);
	if (d)
		d->u = value;
}

void claim_int(struct claim *c, const char *key, int64_t value)
{
	struct claim_detail *d = detail(c, key, DETAIL_INT);
	if (d)
		d->i = value;
}

void claim_bool(struct claim *c, const char *key, bool value)
{
	struct claim_detail *d = detail(c, key, DETAIL_BOOL);
	if (d)
		d->u = value;
}

static const char *status_text(enum access_status status)
{
	switch (status) {
	case ACCESS_FAULT_GP:
		return "#GP";
	case ACCESS_FAULT_UD:
		return "#UD";
	case ACCESS_OK:
		return "ok";
	default:
		return "unsupported";
	}
}

void fault_add(struct fault_log *log, const char *access, uint32_t msr, enum access_status status)
{
	if (log->count == FAULT_LOG_CAPACITY) {
		log->dropped++;
		return;
	}
	struct fault *f = &log->entries[log->count++];
	text_copy(f->access, sizeof(f->access), access);
	f->msr = msr;
	text_copy(f->status, sizeof(f->status), status_text(status));
}

bool msr_read_logged(struct machine *m, struct fault_log *log, uint32_t msr, uint64_t *value)
{
	enum access_status status = m->rdmsr(m, msr, value);
	if (status != ACCESS_OK)
		fault_add(log, "rdmsr", msr, status);
	return status == ACCESS_OK;
}

bool msr_write_logged(struct machine *m, struct fault_log *log, uint32_t msr, uint64_t value)
{
	enum access_status status = m->wrmsr(m, msr, value);
	if (status != ACCESS_OK)
		fault_add(log, "wrmsr", msr, status);
	return status == ACCESS_OK;
}

const struct reference_report *report_reference(const struct report *r, const char *name)
{
	for (unsigned i = 0; i < r->reference_count; i++)
		if (text_equal(r->references[i].name, name))
			return &r->references[i];
	return NULL;
}

void report_tsc_step(struct report *r, uint64_t backward_ticks)
{
	if (!backward_ticks)
		return;
	r->tsc.backward_steps++;
	if (backward_ticks > r->tsc.largest_backward_step_ticks)
		r->tsc.largest_backward_step_ticks = backward_ticks;
}

const char *const sampling_words[2] = {"counter", "edges"};

const char *hv_range_name(enum hv_range range)
{
	switch (range) {
	case HV_RANGE_OK:
		return "ok";
	case HV_RANGE_BELOW_BASE:
		return "below_base";
	case HV_RANGE_KVM_ZERO:
		return "kvm_zero";
	default:
		return "beyond_block";
	}
}

const char *hv_timing_name(enum hv_timing_status timing)
{
	switch (timing) {
	case HV_TIMING_PRESENT:
		return "present";
	case HV_TIMING_ZERO:
		return "zero";
	default:
		return "not_offered";
	}
}

const char *const severity_tags[SEVERITY_PASS + 1] = {"  FAIL  ", "  WARN  ", "  INFO  ", "  PASS  "};

const char *severity_name(enum severity severity)
{
	static const char *const names[] = {"fail", "warn", "info", "pass"};
	return names[severity];
}
