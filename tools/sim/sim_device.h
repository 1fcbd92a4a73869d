/* What the simulated devices share: the cost of an access, a clock's ticks over virtual time, their entry points. */
#ifndef TSCPROBE_SIM_DEVICE_H
#define TSCPROBE_SIM_DEVICE_H

#include "sim.h"
#include "units.h"

/*
 * Spends one access of cost a: the base cost, plus (with a's probability) an extra delay before or after the
 * moment the device samples its state. Returns that moment, the virtual time the value read belongs to.
 */
uint64_t sim_access(struct sim *s, const struct sim_access_cost *a);

/* A clock of numerator / denominator ticks per picosecond at its nominal rate, whose rate over virtual time is
 * s->timelines[id]. */
struct sim_clock {
	uint64_t numerator, denominator;
	enum sim_clock_id id;
};

/* A clock of hz ticks per second. */
static inline struct sim_clock sim_clock_hz(uint64_t hz, enum sim_clock_id id)
{
	return (struct sim_clock){hz, PS_PER_S, id};
}

/* Builds every clock's timeline from the config's rates and events (tools/sim_clock.c); sim_init calls it before the
 * devices' resets. */
void sim_timelines_init(struct sim *s);

/* How far clock id has counted at at_ps since power-on, less what idling took from it: valid from the end of the
 * last idle on. */
sim_zs sim_clock_progress(const struct sim *s, enum sim_clock_id id, uint64_t at_ps);

/* Whole ticks of c in a progress; exact integer arithmetic, so no drift. */
uint64_t sim_clock_ticks(const struct sim_clock *c, sim_zs progress);

/* Whole ticks of c between two virtual times (from_ps <= to_ps), for a clock that idling has not stopped since
 * from_ps. */
uint64_t sim_clock_ticks_between(const struct sim *s, const struct sim_clock *c, uint64_t from_ps, uint64_t to_ps);

/* Ticks per second of virtual time at power-on, the clock's truth until an event changes it. */
double sim_clock_true_hz(const struct sim *s, const struct sim_clock *c);

/* The CPU sleeps from start_ps to wake_ps in a state where clock id runs at rate (SIM_IDLE_RUNS ... SIM_IDLE_STOPS),
 * and not at all in the clock's idle-stop windows: keeps what the clock lost and returns it in picoseconds. */
uint64_t sim_clock_idle(struct sim *s, enum sim_clock_id id, uint64_t start_ps, uint64_t wake_ps, double rate);

/* The value a port read of width bytes returns when a byte-wide register decodes only its first byte. */
uint32_t sim_io_byte(uint8_t value, unsigned width);

/* A device: reset puts it in its power-on state (or does nothing when absent); a handler returns false
 * when the address is not the device's, so the access goes on to the next device or floats high. */
struct sim_device {
	void (*reset)(struct sim *s);
	bool (*io_read)(struct sim *s, uint16_t port, unsigned width, uint32_t *value);
	bool (*io_write)(struct sim *s, uint16_t port, unsigned width, uint32_t value);
	bool (*mmio_read)(struct sim *s, uint64_t phys, unsigned width, uint64_t *value);
	bool (*mmio_write)(struct sim *s, uint64_t phys, unsigned width, uint64_t value);
};

extern const struct sim_device sim_pm_timer_device, sim_hpet_device, sim_rtc_device, sim_pit_device, sim_lapic_device;

/* GCAP_ID as the HPET's first register holds it (its low half is also the ACPI HPET table's block ID). */
uint64_t sim_hpet_capabilities(const struct sim_hpet_config *c);

/* Fills s->phys with the ACPI tables (synthesized from the clocks, or the scenario's fixture), applies the
 * scenario's ACPI faults and sets s->machine.acpi_rsdp. */
void sim_acpi_build(struct sim *s);

/* Fills s->phys.smbios with the scenario's SMBIOS table and entry points, and sets s->machine's entry fields. */
void sim_smbios_build(struct sim *s);

#endif
