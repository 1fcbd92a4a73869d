/* A streaming JSON writer (jw_*): pretty, one member per line, small containers optionally on one line. */
#ifndef TSCPROBE_JSON_H
#define TSCPROBE_JSON_H

#include "sink.h"

#include <stdint.h>

#define JSON_MAX_DEPTH 16

struct json_writer {
	struct sink *out;
	int depth;
	bool has_members[JSON_MAX_DEPTH];
	bool inline_container[JSON_MAX_DEPTH];
	char closer[JSON_MAX_DEPTH];
	int overflow; /* containers opened past JSON_MAX_DEPTH: written, but flattened */
};

void jw_begin(struct json_writer *w, struct sink *out); /* opens the root object */
void jw_end(struct json_writer *w);                     /* closes it, with a final newline */

/* `key` names the member inside an object and is NULL inside an array. */
void jw_object(struct json_writer *w, const char *key);
void jw_object_inline(struct json_writer *w, const char *key);
void jw_array(struct json_writer *w, const char *key);
void jw_array_inline(struct json_writer *w, const char *key);
void jw_close(struct json_writer *w); /* closes the innermost object or array */

void jw_string(struct json_writer *w, const char *key, const char *value);
void jw_uint(struct json_writer *w, const char *key, uint64_t value);
void jw_int(struct json_writer *w, const char *key, int64_t value);
void jw_bool(struct json_writer *w, const char *key, bool value);
void jw_null(struct json_writer *w, const char *key);
void jw_hex32(struct json_writer *w, const char *key, uint32_t value); /* "0x%08x" */
void jw_hex64(struct json_writer *w, const char *key, uint64_t value); /* "0x%x" */
void jw_double(struct json_writer *w, const char *key, double value, int decimals);

#endif
