/* The simulated CMOS RTC (MC146818): a calendar clock in its own clock domain, read through ports 0x70/0x71. */
#include "cmos.h"
#include "units.h"
#include "sim_device.h"

/* Motorola MC146818A datasheet: with the 32.768 kHz time base (divider bits 010), UIP rises tBUC
 * (RTC_UIP_LEAD_US) before an update cycle, which lasts tUC (RTC_UPDATE_CYCLE_US); the new time is readable
 * when it ends and UIP falls. In crystal ticks: 244 us = 8 ticks, 1984 us = 65 ticks. */
#define RTC_CRYSTAL_HZ 32768u
#define RTC_UIP_LEAD_TICKS 8u
#define RTC_UPDATE_TICKS 65u
/* Power-on lands half way through a second, far from an update. */
#define RTC_POWER_ON_PHASE_TICKS (RTC_CRYSTAL_HZ / 2)

#define CMOS_INDEX_MASK 0x7Fu
#define CMOS_NMI_DISABLE 0x80u
#define RTC_A_WRITABLE 0x7Fu
#define RTC_A_POWER_ON 0x26u /* divider 010 (32.768 kHz time base), rate 0110 (1024 Hz), as PC firmware sets it */
#define RTC_D_VALID_RAM_AND_TIME 0x80u

#define DAYS_BEFORE_1970 719468u /* days from 0000-03-01 to 1970-01-01 in the proleptic Gregorian calendar */
#define WEEKDAY_OF_1970_01_01 4u /* a Thursday, counting Sunday as 0 */

static const struct sim_rtc_config *config(const struct sim *s)
{
	return &s->config->clocks.rtc;
}

static const struct sim_clock CRYSTAL = {RTC_CRYSTAL_HZ, PS_PER_S, SIM_CLOCK_RTC};

static uint64_t crystal_ticks(const struct sim *s, uint64_t at_ps)
{
	return RTC_POWER_ON_PHASE_TICKS + sim_clock_ticks_between(s, &CRYSTAL, 0, at_ps);
}

/* Seconds since power-on that the time registers show: a second counts once its update cycle is over. */
static uint64_t shown_seconds(const struct sim *s, uint64_t at_ps)
{
	if (config(s)->fault == SIM_RTC_FROZEN)
		return 0;
	return (crystal_ticks(s, at_ps) - RTC_UPDATE_TICKS) / RTC_CRYSTAL_HZ;
}

/* The update cycle's own window: UIP's lead, then the cycle. */
bool sim_rtc_updating(const struct sim *s, uint64_t at_ps)
{
	uint64_t phase = crystal_ticks(s, at_ps) % RTC_CRYSTAL_HZ;
	return phase >= RTC_CRYSTAL_HZ - RTC_UIP_LEAD_TICKS || phase < RTC_UPDATE_TICKS;
}

static bool update_in_progress(const struct sim *s, uint64_t at_ps)
{
	return config(s)->fault == SIM_RTC_UIP_STUCK || sim_rtc_updating(s, at_ps);
}

/* Days since 1970-01-01 of a Gregorian date (years counted from March, so that February comes last). */
static uint64_t days_from_civil(unsigned year, unsigned month, unsigned day)
{
	unsigned march_year = month <= 2 ? year - 1 : year;
	unsigned era = march_year / 400, year_of_era = march_year % 400;
	unsigned day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	return (uint64_t)era * 146097 + day_of_era - DAYS_BEFORE_1970;
}

/* The inverse of days_from_civil. */
static void civil_from_days(uint64_t days, struct calendar_time *out)
{
	uint64_t z = days + DAYS_BEFORE_1970;
	uint64_t era = z / 146097;
	unsigned day_of_era = (unsigned)(z % 146097);
	unsigned year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	unsigned day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	unsigned month_from_march = (5 * day_of_year + 2) / 153;
	out->day = (uint8_t)(day_of_year - (153 * month_from_march + 2) / 5 + 1);
	out->month = (uint8_t)(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
	out->year = (uint16_t)(era * 400 + year_of_era + (out->month <= 2));
}

static uint64_t start_seconds(const struct sim_rtc_config *c)
{
	const struct calendar_time *t = &c->start;
	return days_from_civil(t->year, t->month, t->day) * SECONDS_PER_DAY + t->hour * 3600u + t->minute * 60u +
	       t->second;
}

/* Seconds since 1970 that the registers show. */
static uint64_t shown_epoch_seconds(const struct sim *s, uint64_t at_ps)
{
	return start_seconds(config(s)) + shown_seconds(s, at_ps);
}

void sim_rtc_calendar(const struct sim *s, uint64_t at_ps, struct calendar_time *out)
{
	uint64_t epoch = shown_epoch_seconds(s, at_ps);
	uint64_t in_day = epoch % SECONDS_PER_DAY;

	civil_from_days(epoch / SECONDS_PER_DAY, out);
	out->hour = (uint8_t)(in_day / 3600);
	out->minute = (uint8_t)(in_day / 60 % 60);
	out->second = (uint8_t)(in_day % 60);
	out->nanosecond = 0;
}

/* Status B's data mode: BCD unless DM is set. */
static uint8_t encode(const struct sim *s, unsigned value)
{
	if (s->rtc.status_b & RTC_B_BINARY)
		return (uint8_t)value;
	return (uint8_t)((value / 10) << 4 | value % 10);
}

/* 12-hour mode counts 12, 1, ... 11 with bit 7 set after noon. */
static uint8_t encode_hours(const struct sim *s, unsigned hour)
{
	if (s->rtc.status_b & RTC_B_24_HOUR)
		return encode(s, hour);
	return (uint8_t)(encode(s, hour % 12 ? hour % 12 : 12) | (hour >= 12 ? RTC_HOURS_PM : 0));
}

static uint8_t register_value(const struct sim *s, uint8_t index, uint64_t at_ps)
{
	const struct sim_rtc_config *c = config(s);
	struct calendar_time t;
	uint64_t epoch = shown_epoch_seconds(s, at_ps);

	sim_rtc_calendar(s, at_ps, &t);
	if (c->century_index && index == c->century_index)
		return encode(s, t.year / 100u);
	switch (index) {
	case RTC_SECONDS:
		return encode(s, t.second);
	case RTC_MINUTES:
		return encode(s, t.minute);
	case RTC_HOURS:
		return encode_hours(s, t.hour);
	case RTC_WEEKDAY: /* 1..7, Sunday = 1 */
		return encode(s, (unsigned)((epoch / SECONDS_PER_DAY + WEEKDAY_OF_1970_01_01) % 7) + 1);
	case RTC_DAY:
		return encode(s, t.day);
	case RTC_MONTH:
		return encode(s, t.month);
	case RTC_YEAR:
		return encode(s, t.year % 100u);
	case RTC_STATUS_A:
		return (uint8_t)(s->rtc.status_a | (update_in_progress(s, at_ps) ? RTC_A_UIP : 0));
	case RTC_STATUS_B:
		return s->rtc.status_b;
	case RTC_STATUS_D:
		return RTC_D_VALID_RAM_AND_TIME;
	case RTC_STATUS_C: /* no interrupt flags: the simulated RTC never interrupts */
	default:           /* alarms and the rest of CMOS RAM */
		return 0;
	}
}

/* Status A's divider and rate and status B are kept; the time itself cannot be set. */
static void register_write(struct sim *s, uint8_t index, uint8_t value)
{
	if (index == RTC_STATUS_A)
		s->rtc.status_a = value & RTC_A_WRITABLE;
	else if (index == RTC_STATUS_B)
		s->rtc.status_b = value;
}

static void rtc_reset(struct sim *s)
{
	const struct sim_rtc_config *c = config(s);

	s->rtc = (struct sim_rtc_state){
		.status_a = RTC_A_POWER_ON,
		.status_b = (uint8_t)((c->hour_12 ? 0 : RTC_B_24_HOUR) | (c->binary ? RTC_B_BINARY : 0)),
	};
	s->truth.rtc_hz = sim_clock_true_hz(s, &CRYSTAL) / RTC_CRYSTAL_HZ;
}

/* Port 0x70 is write-only (a read floats high); port 0x71 reaches the register it selects. */
static bool rtc_read(struct sim *s, uint16_t port, unsigned width, uint32_t *value)
{
	const struct sim_rtc_config *c = config(s);
	if (!c->present || port != CMOS_DATA_PORT)
		return false;
	*value = sim_io_byte(register_value(s, s->rtc.index, sim_access(s, &c->access)), width);
	return true;
}

static bool rtc_write(struct sim *s, uint16_t port, unsigned width, uint32_t value)
{
	const struct sim_rtc_config *c = config(s);
	(void)width;
	if (!c->present || (port != CMOS_INDEX_PORT && port != CMOS_DATA_PORT))
		return false;
	sim_access(s, &c->access);
	if (port == CMOS_INDEX_PORT) {
		s->rtc.index = value & CMOS_INDEX_MASK;
		s->rtc.nmi_disabled = (value & CMOS_NMI_DISABLE) != 0;
	} else {
		register_write(s, s->rtc.index, (uint8_t)value);
	}
	return true;
}

const struct sim_device sim_rtc_device = {
	.reset = rtc_reset,
	.io_read = rtc_read,
	.io_write = rtc_write,
};
