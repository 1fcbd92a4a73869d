/* `tscprobe check`: a gate for CI: one line per report, exit 0 when every report passes, 1 when one fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "compare.h"
#include "gate.h"

#define ERROR_BYTES 512
#define EXIT_GATE_FAILED 1

static int usage_error(const char *problem, const char *detail)
{
	fprintf(stderr,
		"tscprobe: check: %s%s\nusage: tscprobe check " CHECK_ARGUMENTS
		"\n('tscprobe check --help' lists the options)\n",
		problem, detail);
	return EXIT_ERROR;
}

/* Options into g, report paths into paths (argv's own strings); 0, or a usage error's exit status. */
static int parse(int argc, char **argv, struct gate *g, const char **paths, unsigned *path_count)
{
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(arg, "--fail-on") || !strcmp(arg, "--require")) {
			if (!value)
				return usage_error(arg, " needs a value");
			i++;
			if (!strcmp(arg, "--require")) {
				if (g->required_count == GATE_MAX_REQUIRED)
					return usage_error("too many --require", "");
				g->required[g->required_count++] = value;
			} else if (!strcmp(value, "fail") || !strcmp(value, "warn")) {
				g->fail_on = !strcmp(value, "warn") ? SEVERITY_WARN : SEVERITY_FAIL;
			} else {
				return usage_error("--fail-on takes fail or warn, not ", value);
			}
		} else if (arg[0] == '-' && arg[1]) {
			return usage_error("unknown option ", arg);
		} else {
			paths[(*path_count)++] = arg;
		}
	}
	return *path_count ? 0 : usage_error("expected at least one REPORT", "");
}

int check_command(int argc, char **argv)
{
	struct gate g = {.fail_on = SEVERITY_FAIL};
	const char **paths = calloc((size_t)argc, sizeof(*paths));
	struct compare_input *in = calloc(1, sizeof(*in)); /* a whole report: too big for the stack */
	char error[ERROR_BYTES], reason[ERROR_BYTES];
	unsigned path_count = 0, failed = 0;
	int status;

	if (!paths || !in) {
		free(paths);
		free(in);
		fprintf(stderr, "tscprobe: check: out of memory\n");
		return EXIT_ERROR;
	}
	status = parse(argc, argv, &g, paths, &path_count);
	for (unsigned i = 0; !status && i < path_count; i++) {
		if (compare_input_read(paths[i], in, error, sizeof(error))) {
			fprintf(stderr, "tscprobe: check: %s\n", error);
			status = EXIT_ERROR;
			break;
		}
		bool passed = gate_judge(&g, &in->report, reason, sizeof(reason));
		printf("%s: %s (%s)\n", paths[i], passed ? "PASS" : "FAIL", reason);
		failed += !passed;
		compare_input_free(in);
	}
	free(paths);
	free(in);
	return status ? status : failed ? EXIT_GATE_FAILED : 0;
}
