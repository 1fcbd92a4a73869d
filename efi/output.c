/* Output sinks: the console (ConOut) and COM1, without doubling lines where firmware mirrors one to the other. */
#include <efi.h>
#include <efilib.h>

#include "hw.h"
#include "uefi.h"

/* 16550 UART at the legacy COM1 address, for firmware that offers no Serial I/O protocol. */
#define COM1_PORT 0x3f8
#define UART_THR 0 /* transmit holding register */
#define UART_IER 1
#define UART_FCR 2
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_SCRATCH 7
#define UART_LSR_THRE 0x20
#define UART_LCR_DLAB 0x80
#define UART_DIVISOR_115200 1
/* About 1 ms at 115200 baud is one character; a port that stays busy far longer is gone. */
#define UART_MAX_POLLS 100000

/* Device path node of a UART (UEFI spec 10.3.4.11): the console is mirrored to serial when ConOut has one. */
#define MSG_UART_SUBTYPE 14

enum serial_route { SERIAL_NONE, SERIAL_PROTOCOL, SERIAL_RAW_UART };

static struct {
	enum serial_route route;
	EFI_SERIAL_IO_PROTOCOL *serial_io;
	BOOLEAN console_on_serial;
} out;

static BOOLEAN raw_uart_present(void)
{
	/* The scratch register holds what was written on a real 16550; an absent port reads 0xff. */
	outb(COM1_PORT + UART_SCRATCH, 0x5a);
	if (inb(COM1_PORT + UART_SCRATCH) != 0x5a)
		return FALSE;
	outb(COM1_PORT + UART_SCRATCH, 0xa5);
	return inb(COM1_PORT + UART_SCRATCH) == 0xa5;
}

static void raw_uart_init(void)
{
	outb(COM1_PORT + UART_IER, 0);
	outb(COM1_PORT + UART_LCR, UART_LCR_DLAB);
	outb(COM1_PORT + 0, UART_DIVISOR_115200);
	outb(COM1_PORT + 1, 0);
	outb(COM1_PORT + UART_LCR, 0x03); /* 8 data bits, no parity, 1 stop bit */
	outb(COM1_PORT + UART_FCR, 0xc7); /* FIFOs on and cleared */
	outb(COM1_PORT + UART_MCR, 0x03); /* DTR, RTS */
}

static void raw_uart_write(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		for (unsigned polls = 0; !(inb(COM1_PORT + UART_LSR) & UART_LSR_THRE); polls++)
			if (polls == UART_MAX_POLLS) {
				out.route = SERIAL_NONE; /* stuck: stop rather than hang */
				return;
			}
		outb(COM1_PORT + UART_THR, (uint8_t)text[i]);
	}
}

static void serial_bytes(const char *text, size_t len)
{
	if (out.route == SERIAL_PROTOCOL) {
		UINTN n = len;
		out.serial_io->Write(out.serial_io, &n, (void *)text);
	} else if (out.route == SERIAL_RAW_UART) {
		raw_uart_write(text, len);
	}
}

/* Serial terminals want CR LF. */
static void serial_write(struct sink *s, const char *text, size_t len)
{
	(void)s;
	while (len) {
		size_t run = 0;
		while (run < len && text[run] != '\n')
			run++;
		serial_bytes(text, run);
		if (run < len) {
			serial_bytes("\r\n", 2);
			run++;
		}
		text += run;
		len -= run;
	}
}

/* ConOut takes UCS-2 and wants CR LF; the report is ASCII, anything else shows as '?'. */
void output_string(SIMPLE_TEXT_OUTPUT_INTERFACE *out, const char *text, size_t len)
{
	CHAR16 buf[130];
	UINTN n = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		if (c == '\n')
			buf[n++] = L'\r';
		buf[n++] = c < 0x80 ? c : L'?';
		if (n >= 128 || i + 1 == len) {
			buf[n] = 0;
			out->OutputString(out, buf);
			n = 0;
		}
	}
}

static void console_write(struct sink *s, const char *text, size_t len)
{
	(void)s;
	output_string(ST->ConOut, text, len);
}

static void text_write(struct sink *s, const char *text, size_t len)
{
	console_write(s, text, len);
	if (!out.console_on_serial)
		serial_write(s, text, len);
}

static struct sink text_sink = {.write = text_write};
static struct sink console_sink = {.write = console_write};

struct sink *output_console(void)
{
	return &console_sink;
}

BOOLEAN output_console_mirrored(void)
{
	return out.console_on_serial;
}
static struct sink serial_sink = {.write = serial_write};

BOOLEAN output_path_has_uart(EFI_DEVICE_PATH *path, UINTN size)
{
	UINT8 *p = (UINT8 *)path, *end = p + size;

	/* Walk the (multi-instance) path node by node; a node shorter than its header ends the walk. */
	while (p + sizeof(EFI_DEVICE_PATH) <= end) {
		EFI_DEVICE_PATH *node = (EFI_DEVICE_PATH *)p;
		UINTN node_len = DevicePathNodeLength(node);
		if (node_len < sizeof(EFI_DEVICE_PATH))
			break;
		if (DevicePathType(node) == MESSAGING_DEVICE_PATH && DevicePathSubType(node) == MSG_UART_SUBTYPE)
			return TRUE;
		p += node_len;
	}
	return FALSE;
}

static BOOLEAN console_mirrored_to_serial(void)
{
	static EFI_GUID global = EFI_GLOBAL_VARIABLE;
	UINTN size = 0;
	EFI_DEVICE_PATH *conout = LibGetVariableAndSize(L"ConOut", &global, &size);
	BOOLEAN found = conout && output_path_has_uart(conout, size);

	if (conout)
		FreePool(conout);
	return found;
}

void output_init(void)
{
	static EFI_GUID serial_guid = SERIAL_IO_PROTOCOL;
	EFI_HANDLE *handles = NULL;
	UINTN count = 0;

	out.console_on_serial = console_mirrored_to_serial();
	/* The first Serial I/O handle is COM1 on the platforms we know (OVMF, Hyper-V, VirtualBox, VMware). */
	if (!EFI_ERROR(LibLocateHandle(ByProtocol, &serial_guid, NULL, &count, &handles)) && count &&
	    !EFI_ERROR(BS->HandleProtocol(handles[0], &serial_guid, (void **)&out.serial_io))) {
		out.route = SERIAL_PROTOCOL;
	} else if (raw_uart_present()) {
		raw_uart_init();
		out.route = SERIAL_RAW_UART;
	}
	if (handles)
		FreePool(handles);
	if (out.route == SERIAL_NONE)
		out.console_on_serial = FALSE;
}

struct sink *output_text(void)
{
	return &text_sink;
}

struct sink *output_serial(void)
{
	return &serial_sink;
}

const char *output_serial_route(void)
{
	switch (out.route) {
	case SERIAL_PROTOCOL:
		return out.console_on_serial ? "COM1 via Serial I/O; firmware mirrors the console there"
					     : "COM1 via Serial I/O; console text copied there by tscprobe";
	case SERIAL_RAW_UART:
		return "COM1 programmed directly (no Serial I/O protocol); console text copied there";
	default:
		return "no serial port found: console only";
	}
}

static void memory_write(struct sink *s, const char *text, size_t len)
{
	struct memory_sink *m = (struct memory_sink *)s;

	if (m->failed)
		return;
	if (m->length + len > m->capacity) {
		UINTN capacity = (m->capacity ? m->capacity * 2 : 16384) + len;
		char *grown = AllocatePool(capacity);
		if (!grown) {
			m->failed = TRUE;
			return;
		}
		if (m->data) {
			CopyMem(grown, m->data, m->length);
			FreePool(m->data);
		}
		m->data = grown;
		m->capacity = capacity;
	}
	CopyMem(m->data + m->length, (void *)text, len);
	m->length += len;
}

void memory_sink_init(struct memory_sink *s)
{
	*s = (struct memory_sink){.sink = {.write = memory_write}};
}

void memory_sink_free(struct memory_sink *s)
{
	if (s->data)
		FreePool(s->data);
	memory_sink_init(s);
}
