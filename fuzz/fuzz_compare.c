/*
 * Fuzz target: `tscprobe compare` and `show --format` on one input, a JSON report of any schema version or a
 * serial capture: read as compare reads it, the table built with it alone and beside itself, written in every
 * format. Strings from a stranger's report reach every renderer's escaping here.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "host_sink.h"

#define WIDTHS 2

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Every format of the table, into memory; a renderer that breaks its sink shows as a crash. */
static void write_every_format(const struct compare_table *table)
{
	static const unsigned widths[WIDTHS] = {40, COMPARE_DEFAULT_WIDTH};
	struct memory_sink out;

	memory_sink_init(&out);
	for (unsigned i = 0; i < WIDTHS; i++)
		compare_write_text(table, widths[i], &out.sink);
	compare_write_markdown(table, &out.sink);
	compare_write_csv(table, &out.sink);
	compare_write_html(table, "fuzz", &out.sink);
	compare_write_svg(table, "fuzz", &out.sink);
	memory_sink_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct compare_input inputs[2];
	struct compare_table table;
	char error[512];
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	int status = compare_input_parse("a.json", text, size, &inputs[0], error, sizeof(error));
	if (status == 0 && compare_input_parse("b.log", text, size, &inputs[1], error, sizeof(error))) {
		compare_input_free(&inputs[0]);
		status = -1;
	}
	free(text);
	if (status)
		return 0;
	for (unsigned count = 1; count <= 2; count++) {
		compare_label_inputs(inputs, count);
		if (compare_build(inputs, count, &table) == 0) {
			write_every_format(&table);
			compare_table_free(&table);
		}
	}
	compare_input_free(&inputs[0]);
	compare_input_free(&inputs[1]);
	return 0;
}
