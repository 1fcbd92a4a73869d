/* The MC146818A real-time clock as every PC's CMOS holds it: ports, registers and status bits, named once. */
#ifndef TSCPROBE_CMOS_H
#define TSCPROBE_CMOS_H

#define CMOS_INDEX_PORT 0x70 /* bit 7 of the index disables NMI */
#define CMOS_DATA_PORT 0x71

/* Register map (MC146818A; IBM PC/AT CMOS layout). */
enum rtc_register {
	RTC_SECONDS = 0x00,
	RTC_MINUTES = 0x02,
	RTC_HOURS = 0x04,
	RTC_WEEKDAY = 0x06,
	RTC_DAY = 0x07,
	RTC_MONTH = 0x08,
	RTC_YEAR = 0x09,
	RTC_STATUS_A = 0x0A,
	RTC_STATUS_B = 0x0B,
	RTC_STATUS_C = 0x0C,
	RTC_STATUS_D = 0x0D,
};

#define RTC_A_UIP 0x80u /* update in progress: set RTC_UIP_LEAD_US before an update until it completes */
#define RTC_B_24_HOUR 0x02u
#define RTC_B_BINARY 0x04u
#define RTC_HOURS_PM 0x80u /* 12-hour mode */

/* With the 32.768 kHz time base (datasheet tBUC and tUC): UIP leads the update cycle, which then lasts this long. */
#define RTC_UIP_LEAD_US 244u
#define RTC_UPDATE_CYCLE_US 1984u

#endif
