/* tscprobe.efi: inventory, measure, report, end. This file reads as the table of contents. */
#include <efi.h>
#include <efilib.h>

#include "hw.h"
#include "options.h"
#include "probe.h"
#include "uefi.h"

/* QEMU's isa-debug-exit device (`-device isa-debug-exit,iobase=0xf4`): QEMU exits with (value << 1) | 1. */
#define QEMU_DEBUG_EXIT_PORT 0xf4
enum run_outcome { OUTCOME_OK = 0, OUTCOME_NO_FILES = 1, OUTCOME_PROBE_ERROR = 2 };

#define OPTIONS_TEXT_BYTES 512
#define KEY_POLL_US 100000

static struct report report; /* large: kept out of the firmware's small stack */
static struct probe probe;
/* The last publish's text report, for the pager, and what it said of the files, for the last screen. */
static struct memory_sink report_text;
static char files_line[256];

/* Load options are UCS-2 text from the shell; boot managers may pass binary data, which is ignored. */
static BOOLEAN load_options_text(EFI_HANDLE image, char *buf, UINTN capacity)
{
	EFI_LOADED_IMAGE *loaded;
	buf[0] = '\0';
	if (EFI_ERROR(BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&loaded)) || !loaded->LoadOptions ||
	    loaded->LoadOptionsSize < sizeof(CHAR16) || loaded->LoadOptionsSize % sizeof(CHAR16))
		return FALSE;

	const CHAR16 *text = loaded->LoadOptions;
	UINTN chars = loaded->LoadOptionsSize / sizeof(CHAR16), i = 0;
	for (; i < chars && text[i] && i + 1 < capacity; i++) {
		if (text[i] < 0x20 || text[i] > 0x7e) {
			buf[0] = '\0';
			return FALSE;
		}
		buf[i] = (char)text[i];
	}
	buf[i] = '\0';
	return TRUE;
}

/* Options from \tscprobe\options.txt first, then the command line, which wins. */
static BOOLEAN load_options(EFI_HANDLE image, struct options *o, struct sink *log)
{
	char text[OPTIONS_TEXT_BYTES];

	options_defaults(o);
	if (files_read_options(image, text, sizeof(text)) && !options_parse(text, o)) {
		sink_printf(log, "options.txt: %s\n", o->error);
		return FALSE;
	}
	if (load_options_text(image, text, sizeof(text)) && !options_parse(text, o)) {
		sink_printf(log, "command line: %s\n", o->error);
		return FALSE;
	}
	return TRUE;
}

static BOOLEAN key_pressed(void)
{
	EFI_INPUT_KEY key;
	return !EFI_ERROR(ST->ConIn->ReadKeyStroke(ST->ConIn, &key));
}

static void wait_for_key(void)
{
	UINTN index;
	BS->WaitForEvent(1, &ST->ConIn->WaitForKey, &index);
	key_pressed();
}

/* True when the countdown ran out; false when a key cancelled it. */
static BOOLEAN countdown(unsigned seconds, struct sink *log)
{
	while (key_pressed())
		; /* drop keys typed before the countdown */
	for (unsigned left = seconds; left > 0; left--) {
		sink_printf(log, "\rPowering off in %u s; press any key to stay%s.  ", left,
			    console_has_screen() ? " and read the report" : "");
		for (unsigned t = 0; t < 1000000 / KEY_POLL_US; t++) {
			if (key_pressed()) {
				sink_puts(log, "\nCancelled.\n");
				return FALSE;
			}
			BS->Stall(KEY_POLL_US);
		}
	}
	sink_puts(log, "\n");
	return TRUE;
}

/* Only QEMU has the device; elsewhere port 0xf4 is left alone. A missing device reads as all ones. */
static BOOLEAN qemu_debug_exit(const struct report *r, enum run_outcome outcome)
{
	BOOLEAN qemu = FALSE;
	for (uint32_t i = 0; i < r->platform.hv.count; i++) {
		const char *name = hv_name(r->platform.hv.bases[i].signature);
		qemu |= name && (text_equal(name, "QEMU TCG") || text_equal(name, "KVM"));
	}
	if (!qemu || inb(QEMU_DEBUG_EXIT_PORT) == 0xff)
		return FALSE;
	outb(QEMU_DEBUG_EXIT_PORT, (uint8_t)outcome);
	return TRUE; /* not reached when the device exists */
}

/* The whole text report in the pager, where there is a screen, then back to the last screen. */
static void read_report(void)
{
	if (!console_has_screen())
		return;
	console_pager(report_text.data, report_text.length);
	console_last_screen(&report, files_line, "Any key: back to the firmware.");
}

static EFI_STATUS finish(const struct options *o, enum run_outcome outcome, struct sink *log)
{
	switch (o->finish) {
	case FINISH_RETURN:
		console_last_screen(&report, files_line, "Back to the firmware.");
		return EFI_SUCCESS;
	case FINISH_WAIT_KEY:
		console_last_screen(&report, files_line, "Any key: the whole report (q leaves it), then the firmware.");
		sink_puts(log, "Press any key to return to the firmware.\n");
		wait_for_key();
		if (console_has_screen())
			console_pager(report_text.data, report_text.length);
		return EFI_SUCCESS;
	default:
		console_last_screen(&report, files_line, "Any key: stay, and read the whole report (q leaves it).");
		if (!countdown(options_countdown(o, console_has_screen()), log)) {
			read_report();
			sink_puts(log, "Press any key to return to the firmware.\n");
			wait_for_key();
			return EFI_SUCCESS;
		}
		qemu_debug_exit(&report, outcome);
		RT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
		return EFI_SUCCESS; /* not reached */
	}
}

/* One line per step, so that a serial capture stays a clean log. */
static void show_progress(void *ctx, const char *what, double seconds_left)
{
	struct sink *log = ctx;
	if (what)
		sink_printf(log, "%s (about %.0f s left)\n", what, seconds_left);
	else
		sink_puts(log, "Measurements done.\n\n");
}

static void emit_serial_json(const struct memory_sink *json)
{
	struct sink *serial = output_serial();
	sink_puts(serial, "\n" REPORT_BEGIN_MARKER "\n");
	serial->write(serial, json->data, json->length);
	sink_puts(serial, REPORT_END_MARKER "\n");
}

/* The report on the console, its JSON on serial, and the files; the outcome for QEMU's exit device.
 * `run` is the files' run number: 0 picks the next free one, which is kept for a second publish. */
/* What files_save_report says, to the log and, one line, into files_line for the last screen. */
struct files_tee {
	struct sink sink;
	struct sink *log;
	struct buffer_sink kept;
};

static void files_tee_write(struct sink *s, const char *text, size_t len)
{
	struct files_tee *t = (struct files_tee *)s;
	t->log->write(t->log, text, len);
	for (size_t i = 0; i < len; i++) /* its lines become one, wrapped anew on the screen */
		t->kept.sink.write(&t->kept.sink, text[i] == '\n' ? " " : &text[i], 1);
}

static enum run_outcome publish(EFI_HANDLE image, const struct options *opts, unsigned *run,
				const struct memory_sink *csv, struct sink *log)
{
	struct memory_sink json;
	struct report_files files = {.json = &json, .text = &report_text, .csv = csv, .run = *run};
	struct files_tee tee = {.sink = {.write = files_tee_write}, .log = log};
	enum run_outcome outcome = OUTCOME_OK;

	memory_sink_init(&json);
	memory_sink_free(&report_text); /* the text of a publish before a watch; leaves it empty */
	report_write_json(&report, &json.sink);
	report_write_text(&report, &report_text.sink);
	log->write(log, report_text.data, report_text.length);
	emit_serial_json(&json);
	sink_puts(log, "\n");
	buffer_sink_init(&tee.kept, files_line, sizeof(files_line));
	if (!opts->write_files)
		sink_puts(&tee.kept.sink, "No report files (--no-files); the serial log has the report.");
	else if (EFI_ERROR(files_save_report(image, &files, &tee.sink)))
		outcome = OUTCOME_NO_FILES;
	*run = files.run;
	if (json.failed || report_text.failed)
		outcome = OUTCOME_PROBE_ERROR;
	memory_sink_free(&json);
	return outcome;
}

/* Where the live table is drawn, or none when firmware mirrors the console to serial (a clean log wins). */
struct watch_display {
	struct sink *log;
	BOOLEAN table;
	UINTN top_row;
};

static void show_watch_sample(void *ctx, const struct watch_report *live, double elapsed_s, const char *line)
{
	struct watch_display *d = ctx;
	if (!d->table) {
		sink_printf(d->log, "%s\n", line);
		return;
	}
	sink_printf(output_serial(), "%s\n", line);
	struct sink *console = output_console();
	ST->ConOut->SetCursorPosition(ST->ConOut, 0, d->top_row);
	sink_printf(console, "Drift watch, %.0f s (any key stops it)     \n", elapsed_s);
	sink_printf(console, "  %-32s %14s %13s %11s\n", "clock", "offset", "rate", "per day");
	for (unsigned i = 0; i < live->series_count; i++) {
		const struct watch_series *s = &live->series[i];
		sink_printf(console, "  %-32.32s %+12.6f s %+9.2f ppm %+9.2f s\n", s->label, s->final_offset_s,
			    s->drift_ppm, s->drift_ppm * 86400e-6);
	}
}

static bool stop_requested(void *ctx)
{
	(void)ctx;
	return key_pressed();
}

static void watch(const struct options *opts, struct memory_sink *csv, struct sink *log)
{
	struct watch_display display = {.log = log, .table = !output_console_mirrored()};
	struct watch_settings settings = {
		.duration_s = opts->watch_s,
		.interval_s = opts->watch_interval_s,
		.busy = opts->watch_busy,
		.stop_requested = stop_requested,
		.sample = show_watch_sample,
		.sample_ctx = &display,
		.csv = &csv->sink,
	};

	while (key_pressed())
		; /* keys typed before now do not stop the watch */
	sink_printf(log, "Drift watch for %.0f s, a sample every %.0f s, %s between samples; any key stops it.\n",
		    opts->watch_s, opts->watch_interval_s, opts->watch_busy ? "busy-waiting" : "idling with HLT");
	if (display.table) {
		/* Room for the table, then draw over it in place. */
		for (unsigned i = 0; i < WATCH_MAX_SERIES / 2 + 2; i++)
			sink_puts(output_console(), "\n");
		display.top_row = ST->ConOut->Mode->CursorRow - (WATCH_MAX_SERIES / 2 + 2);
	}
	/* Hundreds of KiB, only when watching (gnu-efi keeps .bss in the file). */
	struct watch_workspace *workspace = AllocateZeroPool(sizeof(*workspace));
	if (!workspace) {
		sink_puts(log, "Drift watch: not enough memory for its samples; skipped.\n");
		return;
	}
	probe_watch(&probe, &settings, workspace);
	FreePool(workspace);
	sink_puts(log, "\n");
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *system_table)
{
	struct options opts;
	struct probe_settings settings;
	struct machine machine;
	unsigned run = 0;
	struct sink *log;
	enum run_outcome outcome;

	InitializeLib(image, system_table);
	BS->SetWatchdogTimer(0, 0, 0, NULL); /* the firmware's 5-minute watchdog would cut long runs */
	output_init();
	console_init();
	log = output_text();
	sink_printf(log, "tscprobe %s: how well does this hypervisor keep time?\n", TSCPROBE_VERSION);
	sink_printf(log, "Serial: %s.\n\n", output_serial_route());

	if (!load_options(image, &opts, log) || opts.help) {
		options_usage(log);
		return opts.help ? EFI_SUCCESS : EFI_INVALID_PARAMETER;
	}

	uefi_machine_init(&machine);
	probe_defaults(&settings, TSCPROBE_VERSION);
	settings.window_s = opts.window_s;
	settings.edge_window_s = opts.edge_window_s;
	settings.idle = opts.idle;
	settings.quick = opts.quick;
	settings.sequential = opts.sequential;
	settings.progress = show_progress;
	settings.progress_ctx = log;
	probe_start(&probe, &machine, &settings, &report);
	if (opts.watch_s <= 0) {
		probe_finish(&probe);
		return finish(&opts, publish(image, &opts, &run, NULL, log), log);
	}
	/* The report first, judged as it stands, so that it is out even if the watch is cut short; then again with
	 * the watch, judged by probe_finish. */
	verdicts_run(&report);
	publish(image, &opts, &run, NULL, log);
	struct memory_sink csv;
	memory_sink_init(&csv);
	watch(&opts, &csv, log);
	probe_finish(&probe);
	outcome = publish(image, &opts, &run, &csv, log);
	memory_sink_free(&csv);
	return finish(&opts, outcome, log);
}
