/* Units of time, and the rates of the PC's fixed-frequency timers: defined once for the probe, the simulator and the tests. */
#ifndef TSCPROBE_UNITS_H
#define TSCPROBE_UNITS_H

#define NS_PER_S 1000000000ull
#define PS_PER_NS 1000ull
#define PS_PER_US 1000000ull
#define PS_PER_MS 1000000000ull
#define PS_PER_S 1000000000000ull
#define FS_PER_PS 1000ull
#define FS_PER_S 1000000000000000ull
#define SECONDS_PER_DAY 86400u

/* ACPI 6.5 §4.8.3.3: the power-management timer counts at 3.579545 MHz (NTSC's colour burst, 315/88 MHz). */
#define ACPI_PM_HZ 3579545u
/* The 8254 PIT's input clock: the 14.31818 MHz crystal divided by 12. */
#define PIT_HZ 1193182u

#endif
