/* The firmware's own view of the time (UEFI GetTime): one-second resolution, timed at its edges like the RTC. */
#include "sink.h"
#include "units.h"
#include "timesource.h"

static const char *uefi_time_probe(struct time_source *s, struct machine *m, const struct platform *p,
				   struct fault_log *faults)
{
	struct calendar_time t;
	(void)p; /* fixed ports or a firmware service: nothing to look up */
	(void)faults;
	if (m->firmware_time(m, &t) != ACCESS_OK)
		return "the firmware's GetTime() is not available";
	s->nominal_hz = 1;
	s->modulus = SECONDS_PER_DAY;
	s->width_bits = 17;
	s->sampling = SAMPLING_EDGES;
	s->last_value = 0;
	format_string(s->detail, sizeof(s->detail), "GetTime(), %04u-%02u-%02u %02u:%02u:%02u at probe", t.year,
		      t.month, t.day, t.hour, t.minute, t.second);
	return NULL;
}

static uint64_t uefi_time_read(struct time_source *s, struct machine *m)
{
	struct calendar_time t;
	if (m->firmware_time(m, &t) != ACCESS_OK || t.hour > 23 || t.minute > 59 || t.second > 59) {
		time_source_note(s, "GetTime() failed or returned an impossible time during the measurement");
		return s->last_value;
	}
	s->last_value = t.hour * 3600u + t.minute * 60u + t.second;
	return s->last_value;
}

const struct time_source_driver uefi_time_driver = {
	.name = "uefi_time",
	.label = "UEFI GetTime()",
	.probe = uefi_time_probe,
	.read = uefi_time_read,
};
