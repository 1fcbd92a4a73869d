/* JSON input (scenarios, reports) read with jansson and one error convention, shared by every reader. */
#ifndef TSCPROBE_JSON_INPUT_H
#define TSCPROBE_JSON_INPUT_H

#include <jansson.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A member's path ("hypervisors[7].leaves[255].leaf", "clocks.lapic.firmware_tick.initial_count"), room to spare. */
#define JSON_INPUT_PATH_BYTES 160
/* Strings are cut in messages to this many characters, so that an error stays one readable line. */
#define JSON_INPUT_QUOTED_CHARS 40
#define JSON_INPUT_QUOTED_BYTES (JSON_INPUT_QUOTED_CHARS + 3)

/*
 * Where errors go. Every function that fails returns -1 with one line in error: "SOURCE: PATH: what is wrong",
 * without "SOURCE: " when source is NULL (a string, not a file) and without "PATH: " when the path is NULL.
 */
struct json_input {
	const char *source; /* the file's name, or NULL */
	char *error;
	size_t error_size;
	bool null_is_absent; /* a report writes null for a figure it does not know; a scenario never means null */
};

/* Record the error and return -1, so that an error path is one line. */
int json_input_fail(const struct json_input *in, const char *path, const char *format, ...)
	__attribute__((format(printf, 3, 4)));
int json_input_vfail(const struct json_input *in, const char *path, const char *format, va_list args)
	__attribute__((format(printf, 3, 0)));

/* The parsed document (free with json_decref), duplicate members refused: which of two jansson keeps is not
 * what the author meant. NULL with "JSON syntax error at line L, column C: ..." */
json_t *json_input_parse(const struct json_input *in, const char *text, size_t length);

/* "parent.key", or "key" when parent is ""; a path too long for dst is cut, not an error. */
const char *json_input_path(char dst[JSON_INPUT_PATH_BYTES], const char *parent, const char *key);
/* "parent[index]". */
const char *json_input_element_path(char dst[JSON_INPUT_PATH_BYTES], const char *parent, size_t index);

/* What a value is, for "expected X, got Y": strings quoted (cut when long), other values by kind ("an object",
 * "a negative integer"). */
const char *json_input_describe(const json_t *value, char dst[JSON_INPUT_QUOTED_BYTES]);
/* "an object", "an integer", ... for a JSON type. */
const char *json_input_kind_name(json_type type);

/* -1 with "PATH: expected WHAT, got VALUE" ("expected a number, got \"fast\""). */
int json_input_expected(const struct json_input *in, const char *path, const char *what, const json_t *value);
/* -1 with "PATH: required member is missing". */
int json_input_missing(const struct json_input *in, const char *path);

/* value, one of count names (a fixed vocabulary): 0 with *out its index, or -1 with
 * "PATH: expected one of \"a\", \"b\", got VALUE". */
int json_input_choose(const struct json_input *in, const json_t *value, const char *path, const char *const names[],
		      size_t count, unsigned *out);

/* The member key of object, or NULL when absent (or null, when null_is_absent). */
const json_t *json_input_present(const struct json_input *in, const json_t *object, const char *key);
/* 0 when value has the type, else json_input_expected with the type's kind name. */
int json_input_check_type(const struct json_input *in, const json_t *value, const char *path, json_type type);
/*
 * The member key of object at parent's path, when it has the type: 0 with *out the member, or NULL when it is
 * absent and not required; -1 when it is required and absent, or of another type.
 */
int json_input_member(const struct json_input *in, const json_t *object, const char *parent, const char *key,
		      json_type type, bool required, const json_t **out);

/* value into an unsigned field of size bytes (1, 2, 4 or 8), which the caller has range-checked. */
void json_input_store_uint(void *field, size_t size, uint64_t value);

#endif
