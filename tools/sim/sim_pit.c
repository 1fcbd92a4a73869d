/* The simulated 8254 PIT: three down-counters at 1.193182 MHz, channel 2 gated and watched through port 0x61. */
#include "sim_device.h"
#include "units.h"
#include "pit.h"

/* Intel 8254 Programmable Interval Timer datasheet (order 231164), and the IBM PC/AT wiring of its pins. */
#define PIT_CHANNELS 3
#define PIT_BINARY_MODULUS 65536u /* a count of 0 means 2^16 */
#define PIT_BCD_MODULUS 10000u    /* ... or 10^4 in BCD */

/* Control word: SC (bits 7:6; 3 = read-back), RW (5:4; 0 = counter latch), M (3:1), BCD (0). */
#define CONTROL_SC(v) ((v) >> 6 & 3u)
#define CONTROL_RW(v) ((v) >> 4 & 3u)
#define CONTROL_MODE(v) ((v) >> 1 & 7u)
#define CONTROL_BCD 0x01u
#define SC_READ_BACK 3u
#define RW_LATCH 0u
#define RW_LOW 1u
#define RW_HIGH 2u
#define RW_LOW_THEN_HIGH 3u
/* Read-back command: bit 5 clear latches the counts, bit 4 clear the status, of the channels in bits 3:1. */
#define READ_BACK_NO_COUNT 0x20u
#define READ_BACK_NO_STATUS 0x10u
#define READ_BACK_CHANNEL(n) (0x02u << (n))
/* Status byte: OUT (7), NULL COUNT (6), then RW, M and BCD as programmed. */
#define STATUS_OUT 0x80u
#define STATUS_NULL_COUNT 0x40u

#define PORT_61_WRITABLE 0x0Fu
/* One DRAM refresh request every 15.085 us on the PC/AT: PORT_61_REFRESH toggles at each. */
#define REFRESH_PERIOD_PS 15085000ull

static const struct sim_pit_config *config(const struct sim *s)
{
	return &s->config->clocks.pit;
}

static const struct sim_clock PIT_CLOCK = {PIT_HZ, PS_PER_S, SIM_CLOCK_PIT};

/* Modes 6 and 7 are modes 2 and 3 (the datasheet's "X10" and "X11"). */
static uint8_t mode_of(unsigned m)
{
	return (uint8_t)(m >= 6 ? m - 4 : m);
}

/* Modes 2 and 3 repeat, and a rising gate restarts them; the others count down once and wrap around.
 * Modes 1, 4 and 5 count as mode 0 does: their gate triggers and strobes are not modelled. */
static bool periodic(const struct sim_pit_channel *ch)
{
	return ch->mode == 2 || ch->mode == 3;
}

static uint32_t modulus(const struct sim_pit_channel *ch)
{
	return ch->bcd ? PIT_BCD_MODULUS : PIT_BINARY_MODULUS;
}

/* N, the count loaded: a count register of 0 is the largest count. */
static uint32_t initial_count(const struct sim_pit_channel *ch)
{
	return ch->reload ? ch->reload : modulus(ch);
}

static uint64_t pulses(const struct sim *s, const struct sim_pit_channel *ch, uint64_t at_ps)
{
	if (ch->null_count || !ch->gate)
		return ch->pulses_before;
	return ch->pulses_before + sim_clock_ticks_between(s, &PIT_CLOCK, ch->anchor_ps, at_ps);
}

/* The first CLK pulse after a count is written loads it; each later one counts. */
static uint64_t counted(uint64_t pulse_count)
{
	return pulse_count ? pulse_count - 1 : 0;
}

/* Mode 3 counts down by two: N, N-2 ... 2 with OUT high, then again with OUT low. An odd N spends
 * (N+1)/2 pulses high and (N-1)/2 low, counting N-1, N-3 ... in both halves. */
static uint32_t square_wave(uint32_t n, uint64_t k, bool *out_high)
{
	uint32_t phase = (uint32_t)(k % n), first_half = (n + 1) / 2;
	*out_high = phase < first_half;
	uint32_t j = *out_high ? phase : phase - first_half;
	return (n & ~1u) - 2 * j;
}

static uint32_t count_value(const struct sim_pit_channel *ch, uint64_t pulse_count, bool *out_high)
{
	uint32_t n = initial_count(ch), m = modulus(ch);
	uint64_t k = counted(pulse_count);

	switch (ch->mode) {
	case 2: /* N ... 1, OUT low while the count is 1 */
		*out_high = k % n != n - 1;
		return n - (uint32_t)(k % n);
	case 3:
		return square_wave(n, k, out_high);
	default: /* mode 0: OUT rises when the count reaches 0 and stays high; the count wraps on */
		*out_high = k >= n;
		return (uint32_t)((n + m - k % m) % m);
	}
}

static uint16_t to_bcd(uint32_t value)
{
	return (uint16_t)(value % 10 | (value / 10 % 10) << 4 | (value / 100 % 10) << 8 | (value / 1000 % 10) << 12);
}

static uint32_t from_bcd(uint16_t value)
{
	return (value & 0xFu) + (value >> 4 & 0xFu) * 10 + (value >> 8 & 0xFu) * 100 + (value >> 12 & 0xFu) * 1000;
}

/* What the counter shows at at_ps, and its OUT pin. */
static uint16_t counter_now(const struct sim *s, const struct sim_pit_channel *ch, uint64_t at_ps, bool *out_high)
{
	uint32_t value = count_value(ch, pulses(s, ch, at_ps), out_high);
	if (periodic(ch) && !ch->gate)
		*out_high = true; /* a low gate forces OUT high in modes 2 and 3 */
	if (ch->null_count)
		*out_high = ch->mode != 0; /* a control word sets OUT low in mode 0, high in the others */
	return ch->bcd ? to_bcd(value % PIT_BCD_MODULUS) : (uint16_t)value;
}

static uint8_t status_byte(const struct sim *s, const struct sim_pit_channel *ch, uint64_t at_ps)
{
	bool out_high;
	counter_now(s, ch, at_ps, &out_high);
	return (uint8_t)((out_high ? STATUS_OUT : 0) | (ch->null_count ? STATUS_NULL_COUNT : 0) | ch->access << 4 |
			 ch->mode << 1 | (ch->bcd ? CONTROL_BCD : 0));
}

/* Stops counting for now, keeping the pulses so far. */
static void freeze(const struct sim *s, struct sim_pit_channel *ch, uint64_t at_ps)
{
	ch->pulses_before = pulses(s, ch, at_ps);
	ch->anchor_ps = at_ps;
}

static void set_gate(struct sim *s, struct sim_pit_channel *ch, bool gate, uint64_t at_ps)
{
	if (gate == ch->gate)
		return;
	freeze(s, ch, at_ps);
	ch->gate = gate;
	if (gate && periodic(ch))
		ch->pulses_before = 0; /* the rising edge reloads N */
}

static void load_count(struct sim_pit_channel *ch, uint16_t written, uint64_t at_ps)
{
	ch->reload = ch->bcd ? from_bcd(written) : written;
	ch->null_count = false;
	ch->pulses_before = 0;
	ch->anchor_ps = at_ps;
}

/* Counts are written low byte, high byte, or both in turn. A new count restarts the counter at once
 * (the datasheet lets modes 2 and 3 finish their period first: not modelled). */
static void write_count(struct sim *s, struct sim_pit_channel *ch, uint8_t byte, uint64_t at_ps)
{
	if (ch->access == RW_LOW) {
		load_count(ch, byte, at_ps);
	} else if (ch->access == RW_HIGH) {
		load_count(ch, (uint16_t)(byte << 8), at_ps);
	} else if (!ch->write_high_next) {
		ch->write_low = byte;
		ch->write_high_next = true;
		if (ch->mode == 0) { /* mode 0: the first byte stops counting and sets OUT low */
			freeze(s, ch, at_ps);
			ch->null_count = true;
		}
	} else {
		ch->write_high_next = false;
		load_count(ch, (uint16_t)(ch->write_low | byte << 8), at_ps);
	}
}

static uint8_t read_count(struct sim *s, struct sim_pit_channel *ch, uint64_t at_ps)
{
	bool out_high, high_byte;
	uint16_t value;

	if (ch->status_latched) {
		ch->status_latched = false;
		return ch->latched_status;
	}
	value = ch->count_latched ? ch->latched_count : counter_now(s, ch, at_ps, &out_high);
	high_byte = ch->access == RW_HIGH || (ch->access == RW_LOW_THEN_HIGH && ch->read_high_next);
	if (ch->access == RW_LOW_THEN_HIGH)
		ch->read_high_next = !ch->read_high_next;
	if (ch->access != RW_LOW_THEN_HIGH || !ch->read_high_next)
		ch->count_latched = false; /* the last byte of a latched count releases the latch */
	return (uint8_t)(high_byte ? value >> 8 : value);
}

static void latch_count(struct sim *s, struct sim_pit_channel *ch, uint64_t at_ps)
{
	bool out_high;
	if (ch->count_latched)
		return; /* a second latch before the first is read is ignored */
	ch->latched_count = counter_now(s, ch, at_ps, &out_high);
	ch->count_latched = true;
}

static void read_back(struct sim *s, uint8_t command, uint64_t at_ps)
{
	for (unsigned n = 0; n < PIT_CHANNELS; n++) {
		struct sim_pit_channel *ch = &s->pit.channel[n];
		if (!(command & READ_BACK_CHANNEL(n)))
			continue;
		if (!(command & READ_BACK_NO_COUNT))
			latch_count(s, ch, at_ps);
		if (!(command & READ_BACK_NO_STATUS) && !ch->status_latched) {
			ch->latched_status = status_byte(s, ch, at_ps);
			ch->status_latched = true;
		}
	}
}

static void write_control(struct sim *s, uint8_t value, uint64_t at_ps)
{
	if (CONTROL_SC(value) == SC_READ_BACK) {
		read_back(s, value, at_ps);
		return;
	}
	struct sim_pit_channel *ch = &s->pit.channel[CONTROL_SC(value)];
	if (CONTROL_RW(value) == RW_LATCH) {
		latch_count(s, ch, at_ps);
		return;
	}
	freeze(s, ch, at_ps);
	ch->mode = mode_of(CONTROL_MODE(value));
	ch->access = (uint8_t)CONTROL_RW(value);
	ch->bcd = (value & CONTROL_BCD) != 0;
	ch->null_count = true;
	ch->write_high_next = ch->read_high_next = false;
	ch->count_latched = ch->status_latched = false;
}

static uint8_t port61_value(const struct sim *s, uint64_t at_ps)
{
	bool out2_high;
	counter_now(s, &s->pit.channel[2], at_ps, &out2_high);
	return (uint8_t)((s->pit.port61 & PORT_61_WRITABLE) | ((at_ps / REFRESH_PERIOD_PS) & 1 ? PORT_61_REFRESH : 0) |
			 (out2_high ? PORT_61_OUT2 : 0));
}

/* Power-on as QEMU's i8254 leaves it: every channel in mode 3 counting 65536, channel 2's gate from port 0x61. */
static void pit_reset(struct sim *s)
{
	const struct sim_pit_config *c = config(s);

	s->pit = (struct sim_pit_state){.port61 = c->port61 & PORT_61_WRITABLE};
	for (unsigned n = 0; n < PIT_CHANNELS; n++)
		s->pit.channel[n] = (struct sim_pit_channel){
			.mode = 3,
			.access = RW_LOW_THEN_HIGH,
			.gate = n != 2 || (c->port61 & PORT_61_GATE2),
		};
	s->truth.pit_hz = c->present ? sim_clock_true_hz(s, &PIT_CLOCK) : 0;
}

static bool decodes(const struct sim_pit_config *c, uint16_t port)
{
	return c->present && ((port >= PIT_CHANNEL0_PORT && port <= PIT_CONTROL_PORT) || port == PORT_61);
}

static bool pit_read(struct sim *s, uint16_t port, unsigned width, uint32_t *value)
{
	const struct sim_pit_config *c = config(s);
	if (!decodes(c, port))
		return false;
	uint64_t at_ps = sim_access(s, &c->access);
	uint8_t byte = 0xFF; /* the control port cannot be read */
	if (port == PORT_61)
		byte = port61_value(s, at_ps);
	else if (port != PIT_CONTROL_PORT)
		byte = read_count(s, &s->pit.channel[port - PIT_CHANNEL0_PORT], at_ps);
	*value = sim_io_byte(byte, width);
	return true;
}

static bool pit_write(struct sim *s, uint16_t port, unsigned width, uint32_t value)
{
	const struct sim_pit_config *c = config(s);
	(void)width;
	if (!decodes(c, port))
		return false;
	uint64_t at_ps = sim_access(s, &c->access);
	if (port == PORT_61) {
		s->pit.port61 = value & PORT_61_WRITABLE;
		set_gate(s, &s->pit.channel[2], (value & PORT_61_GATE2) != 0, at_ps);
	} else if (port == PIT_CONTROL_PORT) {
		write_control(s, (uint8_t)value, at_ps);
	} else {
		write_count(s, &s->pit.channel[port - PIT_CHANNEL0_PORT], (uint8_t)value, at_ps);
	}
	return true;
}

const struct sim_device sim_pit_device = {
	.reset = pit_reset,
	.io_read = pit_read,
	.io_write = pit_write,
};
