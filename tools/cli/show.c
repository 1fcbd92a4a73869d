/* `tscprobe show`: one report, as its own text or as compare's table of one column (tools/cli/compare.c). */
#include <stdbool.h>

#include "commands.h"

int show_command(int argc, char **argv)
{
	return compare_run(argc, argv, false, SHOW_ARGUMENTS);
}
