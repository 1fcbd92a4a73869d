/* jansson's memory from an arena that the parse-only targets empty after each input: under ASan every malloc records
 * a stack trace and every free goes through a quarantine, which cost a JSON parse more than the parsing itself. */
#ifndef TSCPROBE_FUZZ_JSON_ARENA_H
#define TSCPROBE_FUZZ_JSON_ARENA_H

/* Before an input's JSON is parsed: jansson allocates from the arena from now on. */
void fuzz_json_arena_begin(void);

/* Once the input's JSON is freed: every block handed out is gone, the arena empty for the next input. */
void fuzz_json_arena_end(void);

#endif
