/* The report history's names and the test of a whole report file, shared by the app and its unit tests. */
#include "history.h"

/* FAT keeps the case a name was written with, but its lookups ignore it: so do we. */
static bool same_letter(char c, char lower)
{
	return c == lower || (lower >= 'a' && lower <= 'z' && c == lower - 'a' + 'A');
}

unsigned history_run_number(const char *name)
{
	static const char prefix[] = "run-", suffix[] = ".json";
	unsigned n = 0;
	size_t i = 0, digits = 0;

	for (; prefix[i]; i++)
		if (!same_letter(name[i], prefix[i]))
			return 0;
	for (; name[i] >= '0' && name[i] <= '9' && digits < 7; i++, digits++)
		n = n * 10 + (unsigned)(name[i] - '0');
	if (!digits)
		return 0;
	for (size_t k = 0; suffix[k]; k++, i++)
		if (!same_letter(name[i], suffix[k]))
			return 0;
	return name[i] ? 0 : n;
}

bool history_file_whole(enum history_kind kind, const char *tail, size_t tail_len, uint64_t size)
{
	/* The JSON writer indents every member: only the top level closes at the start of a line. */
	const char *ending = kind == HISTORY_JSON ? "\n}\n" : "\n";
	size_t ending_len = kind == HISTORY_JSON ? 3 : 1;

	if (size < ending_len || tail_len < ending_len || tail_len > size)
		return false;
	for (size_t i = 0; i < ending_len; i++)
		if (tail[tail_len - ending_len + i] != ending[i])
			return false;
	return true;
}
