/* The app's firmware side: the real machine, output sinks, report files. */
#ifndef TSCPROBE_UEFI_H
#define TSCPROBE_UEFI_H

#include <efi.h>

#include "machine.h"
#include "sink.h"

/* The core's machine interface on this hardware. */
void uefi_machine_init(struct machine *m);

/* Find the CPU Architecture Protocol; without it every guarded access reports ACCESS_UNSUPPORTED. */
BOOLEAN guard_init(void);
/* MSR access that turns #GP/#UD into a status. */
enum access_status guard_rdmsr(uint32_t msr, uint64_t *value);
enum access_status guard_wrmsr(uint32_t msr, uint64_t value);
/* MONITOR + MWAIT(hint), where a hypervisor that hides them raises #UD. */
enum access_status guard_mwait(const volatile void *line, uint32_t hint);
/* VMware's backdoor, where an `in` may fault (SEV, TDX, a restricted backdoor). */
enum access_status guard_vmware_backdoor(struct backdoor_regs *regs);

/* Find the serial port and learn whether firmware already mirrors the console to it. */
void output_init(void);
/* Human text: the console, plus serial when firmware does not mirror the console there. */
struct sink *output_text(void);
/* Serial only (for the JSON between markers); discards when there is no serial port. */
struct sink *output_serial(void);
/* One line saying how serial output is reached. */
const char *output_serial_route(void);

/* A sink that grows a pool buffer; for rendering reports before writing files. */
struct memory_sink {
	struct sink sink;
	char *data;
	UINTN length, capacity;
	BOOLEAN failed; /* an allocation failed: the content is incomplete */
};
void memory_sink_init(struct memory_sink *s);
void memory_sink_free(struct memory_sink *s);

/* Read \tscprobe\options.txt from the boot volume into buf (NUL-terminated); false when absent. */
BOOLEAN files_read_options(EFI_HANDLE image, char *buf, UINTN capacity);

/* What one save writes; run is 0 for a new run number, else the one to overwrite (set after a save). */
struct report_files {
	const struct memory_sink *json, *text;
	const struct memory_sink *csv; /* the watch's time series, or NULL */
	unsigned run;
};

/* Write run-NNNN.{json,txt} (and watch-NNNN.csv) and latest.* to the boot volume or another writable FAT
 * volume. Tells on `log` where they went, or why they could not be written; EFI_SUCCESS when written. */
EFI_STATUS files_save_report(EFI_HANDLE image, struct report_files *files, struct sink *log);

/* The console alone, and whether firmware mirrors it to serial (then a redrawn table would litter the log). */
struct sink *output_console(void);
BOOLEAN output_console_mirrored(void);
/* ASCII text to a text output as UCS-2, "\n" as "\r\n", other bytes past 0x7f as '?'. */
void output_string(SIMPLE_TEXT_OUTPUT_INTERFACE *out, const char *text, size_t len);
/* Whether a (multi-instance) device path has a UART node: a serial port. */
BOOLEAN output_path_has_uart(EFI_DEVICE_PATH *path, UINTN size);

struct report;
/* The largest text mode, and the display's own text output if there is one (efi/console.c). */
void console_init(void);
BOOLEAN console_has_screen(void);
/* On the display alone: the summary fitted to it, then the files line and what the keys do. */
void console_last_screen(const struct report *r, const char *files, const char *keys);
/* On the display alone: the text, a page at a time, until q or Esc. */
void console_pager(const char *text, UINTN length);

#endif
