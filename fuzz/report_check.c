/* Writing a fuzzed report as the CLI does, and checking that what the writer says the reader reads back. */
#include "report_check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_read.h"
#include "sink.h"

/* Far above any report the model can hold (its lists are bounded): a truncated write is an error here. */
#define WRITE_BUFFER_BYTES (4u << 20)
#define ERROR_BYTES 512

static char json_first[WRITE_BUFFER_BYTES], json_again[WRITE_BUFFER_BYTES], text[WRITE_BUFFER_BYTES];
static struct report read_back; /* tens of KiB, as in the CLI */

static size_t write_into(const struct report *r, char *buffer, void (*writer)(const struct report *, struct sink *))
{
	struct buffer_sink b;
	buffer_sink_init(&b, buffer, WRITE_BUFFER_BYTES);
	writer(r, &b.sink);
	if (b.truncated) {
		fprintf(stderr, "fuzz: a report's output exceeds %u bytes\n", WRITE_BUFFER_BYTES);
		abort();
	}
	return b.length;
}

void fuzz_report_write(const struct report *r)
{
	char error[ERROR_BYTES];

	write_into(r, text, report_write_text);
	size_t length = write_into(r, json_first, report_write_json);
	if (report_read_string(json_first, length, &read_back, error, sizeof(error))) {
		fprintf(stderr, "fuzz: the reader refuses what the writer wrote: %s\n", error);
		abort();
	}
	size_t again = write_into(&read_back, json_again, report_write_json);
	if (again != length || memcmp(json_first, json_again, length)) {
		fprintf(stderr, "fuzz: a report read back writes differently:\n%s\n---\n%s\n", json_first, json_again);
		abort();
	}
}

void fuzz_report_show(const char *json, size_t length)
{
	static struct report report;
	char error[ERROR_BYTES];

	if (report_read_string(json, length, &report, error, sizeof(error)) == 0)
		fuzz_report_write(&report);
}
