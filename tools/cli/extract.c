/* `tscprobe extract`: the last JSON report of a serial capture (tools/report/extract.c finds it), as a file. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "extract.h"
#include "host_sink.h"

#define ERROR_BYTES 512

static int usage_error(const char *command_name, const char *problem)
{
	fprintf(stderr, "tscprobe: %s: %s\nusage: tscprobe %s " EXTRACT_ARGUMENTS "\n  " EXTRACT_HELP "\n",
		command_name, problem, command_name);
	return EXIT_ERROR;
}

/* Errors arrive as "FILE: what is wrong". */
static int error_exit(const char *error)
{
	fprintf(stderr, "tscprobe: %s\n", error);
	return EXIT_ERROR;
}

int extract_command(int argc, char **argv)
{
	const char *capture = NULL, *destination = NULL;
	struct extracted_report report;
	char error[ERROR_BYTES];
	struct output out;
	int status = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-o")) {
			if (++i == argc)
				return usage_error(argv[0], "-o needs a file name");
			destination = argv[i];
		} else if (argv[i][0] == '-' && argv[i][1]) {
			char problem[64];
			snprintf(problem, sizeof(problem), "unknown option %.40s", argv[i]);
			return usage_error(argv[0], problem);
		} else if (capture) {
			return usage_error(argv[0], "expected one SERIAL.log");
		} else {
			capture = argv[i];
		}
	}
	if (!capture)
		return usage_error(argv[0], "expected one SERIAL.log");

	if (extract_report_file(capture, &report, error, sizeof(error)))
		return error_exit(error);
	if (report.truncated_begin_line)
		fprintf(stderr,
			"tscprobe: %s: warning: the report at line %u has no END (cut off); "
			"using the one at lines %u-%u\n",
			capture, report.truncated_begin_line, report.begin_line, report.end_line);
	if (output_open(&out, destination, error, sizeof(error))) {
		status = error_exit(error);
	} else {
		out.out.sink.write(&out.out.sink, report.json, report.length);
		if (output_close(&out, error, sizeof(error)))
			status = error_exit(error);
	}
	free(report.json);
	return status;
}
