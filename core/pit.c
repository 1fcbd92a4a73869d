/* The 8254 PIT, channel 2: the speaker channel, gated through port 0x61, which nobody else is using. */
#include "sink.h"
#include "units.h"
#include "pit.h"
#include "timesource.h"

/* Intel 8254 datasheet: control words for channel 2. */
#define PIT_CMD_CH2_LOHI_MODE2 0xb4  /* channel 2, lobyte/hibyte, mode 2 (rate generator), binary */
#define PIT_CMD_CH2_LATCH 0x80       /* channel 2, counter latch */
#define PIT_CMD_CH2_READ_STATUS 0xe8 /* 8254 read-back: latch channel 2's status only */
#define PIT_STATUS_MODE(status) (((status) >> 1) & 7)
#define PIT_RELOAD 0xffff
/* The probe's check that the counter moves waits this long: 120 PIT ticks. */
#define PIT_PROBE_WAIT_US 100

static uint16_t latch_count(struct machine *m)
{
	m->io_write(m, PIT_CONTROL_PORT, 1, PIT_CMD_CH2_LATCH);
	uint16_t lo = (uint16_t)m->io_read(m, PIT_CHANNEL2_PORT, 1);
	uint16_t hi = (uint16_t)m->io_read(m, PIT_CHANNEL2_PORT, 1);
	return (uint16_t)(lo | hi << 8);
}

static const char *pit_probe(struct time_source *s, struct machine *m, const struct platform *p,
			     struct fault_log *faults)
{
	(void)p; /* fixed ports or a firmware service: nothing to look up */
	(void)faults;
	s->saved[0] = m->io_read(m, PORT_61, 1);
	m->io_write(m, PIT_CONTROL_PORT, 1, PIT_CMD_CH2_READ_STATUS);
	uint8_t status = (uint8_t)m->io_read(m, PIT_CHANNEL2_PORT, 1);
	/* Gate on, speaker off, then a full-range rate generator counting down from 0xffff. */
	m->io_write(m, PORT_61, 1, (uint8_t)((s->saved[0] & ~PORT_61_SPEAKER) | PORT_61_GATE2));
	m->io_write(m, PIT_CONTROL_PORT, 1, PIT_CMD_CH2_LOHI_MODE2);
	m->io_write(m, PIT_CHANNEL2_PORT, 1, PIT_RELOAD & 0xff);
	m->io_write(m, PIT_CHANNEL2_PORT, 1, PIT_RELOAD >> 8);

	uint16_t first = latch_count(m);
	m->stall(m, PIT_PROBE_WAIT_US);
	if (latch_count(m) == first) {
		m->io_write(m, PORT_61, 1, (uint8_t)s->saved[0]);
		return "channel 2 does not count (no 8254, as on Hyper-V Gen2 and other legacy-free machines)";
	}
	s->nominal_hz = PIT_HZ;
	s->modulus = PIT_RELOAD; /* mode 2 counts N..1: a period of N ticks */
	s->width_bits = 16;
	s->sampling = SAMPLING_COUNTER;
	format_string(s->detail, sizeof(s->detail),
		      "channel 2 in mode 2 (was mode %u), gate via port 0x61 (was 0x%02llx)", PIT_STATUS_MODE(status),
		      (unsigned long long)s->saved[0]);
	/* The read-back status gives the mode but no 8254 can give back a reload value: only the gate is restored. */
	time_source_note(s, "channel 2 keeps mode 2 and reload 0xffff afterwards; port 0x61 (gate, speaker) restored");
	return NULL;
}

/* Counts down; returned as ticks elapsed within the period so that the value counts up. */
static uint64_t pit_read(struct time_source *s, struct machine *m)
{
	(void)s;
	return PIT_RELOAD - latch_count(m);
}

static void pit_restore(struct time_source *s, struct machine *m)
{
	m->io_write(m, PORT_61, 1, (uint8_t)s->saved[0]);
}

const struct time_source_driver pit_driver = {
	.name = "pit",
	.label = "PIT channel 2",
	.probe = pit_probe,
	.read = pit_read,
	.restore = pit_restore,
};
