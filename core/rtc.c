/* The CMOS real-time clock: a one-second reference, timed by the edge at which its seconds change. */
#include "sink.h"
#include "units.h"
#include "timesource.h"
#include "cmos.h"

/* An update takes under 2 ms; this many reads in a row with UIP set is far longer. */
#define RTC_UIP_STUCK_READS 100000u

static uint8_t cmos_read(struct machine *m, uint8_t index)
{
	m->io_write(m, CMOS_INDEX_PORT, 1, index);
	return (uint8_t)m->io_read(m, CMOS_DATA_PORT, 1);
}

static unsigned from_bcd(uint8_t v)
{
	return (v >> 4) * 10u + (v & 0xf);
}

static const char *rtc_probe(struct time_source *s, struct machine *m, const struct platform *p,
			     struct fault_log *faults)
{
	(void)p; /* fixed ports or a firmware service: nothing to look up */
	(void)faults;
	uint8_t status_b = cmos_read(m, RTC_STATUS_B);
	if (status_b == 0xff && cmos_read(m, RTC_STATUS_A) == 0xff)
		return "the CMOS registers read all ones (no RTC)";
	s->saved[0] = status_b;
	s->nominal_hz = 1;
	s->modulus = SECONDS_PER_DAY;
	s->width_bits = 17;
	s->sampling = SAMPLING_EDGES;
	s->last_value = 0;
	format_string(s->detail, sizeof(s->detail), "CMOS ports 0x70/0x71, %s, %s; timed at the seconds edge",
		      status_b & RTC_B_BINARY ? "binary" : "BCD", status_b & RTC_B_24_HOUR ? "24-hour" : "12-hour");
	return NULL;
}

/*
 * Seconds of the day. While an update is in progress the registers are not to be read, so the
 * previous value stands: the new second becomes visible when the update completes, and that
 * instant is the edge the calibrator times. Never waits, so a UIP flag stuck high cannot hang it.
 * UIP clear promises 244 us without an update, but a vCPU descheduled between the flag and the
 * registers outlives that: seconds read before an update and minutes after it are a minute
 * ahead. So the seconds are read again last, and a read they disagree with is not believed.
 */
static uint64_t rtc_read(struct time_source *s, struct machine *m)
{
	s->tick_imminent = cmos_read(m, RTC_STATUS_A) & RTC_A_UIP;
	if (s->tick_imminent) {
		s->saved[1]++; /* consecutive reads with UIP set */
		if (s->saved[1] > RTC_UIP_STUCK_READS)
			time_source_note(s,
					 "the update-in-progress flag stayed set (the RTC never completes an update)");
		return s->last_value;
	}
	s->saved[1] = 0;
	uint8_t status_b = (uint8_t)s->saved[0];
	uint8_t raw_s = cmos_read(m, RTC_SECONDS), raw_m = cmos_read(m, RTC_MINUTES), raw_h = cmos_read(m, RTC_HOURS);
	if (cmos_read(m, RTC_SECONDS) != raw_s)
		return s->last_value; /* an update came between the reads: the next read sees it whole */
	bool pm = !(status_b & RTC_B_24_HOUR) && (raw_h & RTC_HOURS_PM);
	raw_h &= (uint8_t)~RTC_HOURS_PM;
	unsigned sec = raw_s, min = raw_m, hour = raw_h;
	if (!(status_b & RTC_B_BINARY)) {
		sec = from_bcd(raw_s);
		min = from_bcd(raw_m);
		hour = from_bcd(raw_h);
	}
	if (!(status_b & RTC_B_24_HOUR))
		hour = hour % 12 + (pm ? 12 : 0);
	if (sec > 59 || min > 59 || hour > 23) {
		time_source_note(s, "a time register held an impossible value");
		return s->last_value;
	}
	s->last_value = hour * 3600u + min * 60u + sec;
	return s->last_value;
}

const struct time_source_driver rtc_driver = {
	.name = "rtc",
	.label = "RTC (CMOS)",
	.probe = rtc_probe,
	.read = rtc_read,
};
