/* The report history on a volume: run-NNNN file names, the last number, and whether a report file is whole. */
#ifndef TSCPROBE_HISTORY_H
#define TSCPROBE_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Seven digits: a FAT directory fills (65,536 entries, four per run) long before this number. */
#define HISTORY_RUN_LAST 9999999u

enum history_kind { HISTORY_JSON, HISTORY_TEXT };

/* The NNNN of "run-NNNN.json" in any case (FAT matches names without case), or 0 for any other name. */
unsigned history_run_number(const char *name);

/* Whether a report file of `size` bytes whose last `tail_len` bytes are `tail` was written whole: the
 * JSON writer ends with "\n}\n" (its only unindented brace), the text writer with "\n"; an empty file is a write cut short. */
bool history_file_whole(enum history_kind kind, const char *tail, size_t tail_len, uint64_t size);

#endif
