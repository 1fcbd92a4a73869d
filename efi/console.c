/*
 * What a person at the VM's screen sees: the largest text mode, the last screen (the summary) and a pager over the
 * whole report. Drawn on the display's own text output, never on a serial port: the serial log already has it all.
 */
#include <efi.h>
#include <efilib.h>

#include "report.h"
#include "uefi.h"

/* Display rows the pager indexes: a report is a few hundred lines; a longer text is cut with a note. */
#define PAGER_MAX_ROWS 4096
#define PAGER_CUT_NOTE "(the rest is in the report files)"

static SIMPLE_TEXT_OUTPUT_INTERFACE *screen; /* NULL when no display offers text output */

/* A text output on a display: a handle with Simple Text Output whose device path names no UART. The console
 * splitter's own handle has no device path, and is passed over. */
static SIMPLE_TEXT_OUTPUT_INTERFACE *find_screen(void)
{
	EFI_HANDLE *handles = NULL;
	UINTN count = 0;
	SIMPLE_TEXT_OUTPUT_INTERFACE *found = NULL;

	if (EFI_ERROR(LibLocateHandle(ByProtocol, &TextOutProtocol, NULL, &count, &handles)))
		return NULL;
	for (UINTN i = 0; i < count && !found; i++) {
		EFI_DEVICE_PATH *path = DevicePathFromHandle(handles[i]);
		SIMPLE_TEXT_OUTPUT_INTERFACE *out;
		if (path && !output_path_has_uart(path, DevicePathSize(path)) &&
		    !EFI_ERROR(BS->HandleProtocol(handles[i], &TextOutProtocol, (void **)&out)))
			found = out;
	}
	FreePool(handles);
	return found;
}

void console_init(void)
{
	INT32 best = ST->ConOut->Mode->Mode;
	UINTN best_cells = 0;

	/* The largest mode every console device offers (the splitter's); a mode that fails to set leaves the old. */
	for (INT32 mode = 0; mode < ST->ConOut->Mode->MaxMode; mode++) {
		UINTN columns, rows;
		if (!EFI_ERROR(ST->ConOut->QueryMode(ST->ConOut, (UINTN)mode, &columns, &rows)) &&
		    columns * rows > best_cells) {
			best = mode;
			best_cells = columns * rows;
		}
	}
	if (best != ST->ConOut->Mode->Mode)
		ST->ConOut->SetMode(ST->ConOut, (UINTN)best);
	screen = find_screen();
}

BOOLEAN console_has_screen(void)
{
	return screen != NULL;
}

static void screen_size(UINTN *columns, UINTN *rows)
{
	if (EFI_ERROR(screen->QueryMode(screen, (UINTN)screen->Mode->Mode, columns, rows)) || *columns < 20 ||
	    *rows < 5) {
		*columns = 80;
		*rows = 25;
	}
}

static void screen_write(struct sink *s, const char *text, size_t len)
{
	(void)s;
	output_string(screen, text, len);
}

static struct sink screen_sink = {.write = screen_write};

void console_last_screen(const struct report *r, const char *files, const char *keys)
{
	UINTN columns, rows;

	if (!screen)
		return;
	screen_size(&columns, &rows);
	screen->ClearScreen(screen);
	/* One column short of the width: a character in the last column makes some consoles scroll. Below the
	 * summary: a blank, the files, the keys, and the countdown's line. */
	unsigned width = (unsigned)columns - 1;
	report_write_summary(r, &screen_sink, width, (unsigned)rows - 5);
	sink_puts(&screen_sink, "\n");
	sink_wrapped(&screen_sink, "", files, width);
	sink_wrapped(&screen_sink, "", keys, width);
}

/* One display row of the text: where it starts and how long it is. */
struct pager_row {
	UINT32 start, length;
};

/* The text cut into rows of at most width characters, at line ends and else at the width. Returns the count. */
static UINTN index_rows(const char *text, UINTN length, UINTN width, struct pager_row *rows)
{
	UINTN count = 0, at = 0;
	while (at < length && count < PAGER_MAX_ROWS) {
		UINTN line = 0;
		while (at + line < length && text[at + line] != '\n' && line < width)
			line++;
		rows[count++] = (struct pager_row){(UINT32)at, (UINT32)line};
		at += line;
		if (at < length && text[at] == '\n')
			at++;
	}
	return count;
}

static void draw_page(const char *text, const struct pager_row *rows, UINTN count, UINTN top, UINTN page, BOOLEAN cut)
{
	screen->ClearScreen(screen);
	for (UINTN i = 0; i < page && top + i < count; i++) {
		screen->SetCursorPosition(screen, 0, i);
		screen_write(&screen_sink, text + rows[top + i].start, rows[top + i].length);
	}
	screen->SetCursorPosition(screen, 0, page);
	UINTN last = top + page < count ? top + page : count;
	sink_printf(&screen_sink, "lines %u-%u of %u%s  PgUp PgDn Up Down Home End  q: done", (unsigned)top + 1,
		    (unsigned)last, (unsigned)count, cut && last == count ? " " PAGER_CUT_NOTE : "");
}

/* The first row of the next page after a key; the same row for a key that does nothing, -1 to leave. */
static INTN next_top(const EFI_INPUT_KEY *key, UINTN top, UINTN page, UINTN count)
{
	UINTN bottom = count > page ? count - page : 0;
	CHAR16 c = key->UnicodeChar;

	if (c == L'q' || c == L'Q' || key->ScanCode == SCAN_ESC)
		return -1;
	if (key->ScanCode == SCAN_PAGE_DOWN || c == L' ')
		return (INTN)(top + page < bottom ? top + page : bottom);
	if (key->ScanCode == SCAN_PAGE_UP || c == L'b')
		return (INTN)(top > page ? top - page : 0);
	if (key->ScanCode == SCAN_DOWN || c == L'j' || c == L'\r')
		return (INTN)(top < bottom ? top + 1 : bottom);
	if (key->ScanCode == SCAN_UP || c == L'k')
		return (INTN)(top > 0 ? top - 1 : 0);
	if (key->ScanCode == SCAN_HOME || c == L'g')
		return 0;
	if (key->ScanCode == SCAN_END || c == L'G')
		return (INTN)bottom;
	return (INTN)top;
}

void console_pager(const char *text, UINTN length)
{
	UINTN columns, rows_on_screen, count, top = 0;
	struct pager_row *rows;

	if (!screen || !text)
		return;
	rows = AllocatePool(PAGER_MAX_ROWS * sizeof(*rows));
	if (!rows)
		return;
	screen_size(&columns, &rows_on_screen);
	count = index_rows(text, length, columns - 1, rows);
	UINTN page = rows_on_screen - 1; /* the last row is the status line */
	BOOLEAN cut = count == PAGER_MAX_ROWS;
	draw_page(text, rows, count, top, page, cut);
	for (;;) {
		EFI_INPUT_KEY key;
		UINTN index;
		BS->WaitForEvent(1, &ST->ConIn->WaitForKey, &index);
		if (EFI_ERROR(ST->ConIn->ReadKeyStroke(ST->ConIn, &key)))
			continue;
		INTN next = next_top(&key, top, page, count);
		if (next < 0)
			break;
		if ((UINTN)next != top) {
			top = (UINTN)next;
			draw_page(text, rows, count, top, page, cut);
		}
	}
	FreePool(rows);
	screen->ClearScreen(screen);
}
