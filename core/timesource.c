/* What every time source shares: its findings list. */
#include "timesource.h"

void time_source_note(struct time_source *s, const char *finding)
{
	for (unsigned i = 0; i < s->finding_count; i++)
		if (s->findings[i] == finding)
			return; /* once is enough */
	if (s->finding_count < TIME_SOURCE_MAX_FINDINGS)
		s->findings[s->finding_count++] = finding;
}
