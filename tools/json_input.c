/* JSON input read with one error convention: -1 with "SOURCE: PATH: what is wrong" (tools/json_input.h). */
#include "json_input.h"

#include <stdio.h>
#include <string.h>

#include "sink.h"

/* The message alone is bounded so that source and path, cut last, stay whole. */
#define MESSAGE_BYTES 512
/* A vocabulary's names, quoted, in "expected one of ...". */
#define CHOICES_BYTES 256

int json_input_vfail(const struct json_input *in, const char *path, const char *format, va_list args)
{
	char message[MESSAGE_BYTES];

	vsnprintf(message, sizeof(message), format, args);
	snprintf(in->error, in->error_size, "%s%s%s%s%s", in->source ? in->source : "", in->source ? ": " : "",
		 path ? path : "", path ? ": " : "", message);
	return -1;
}

int json_input_fail(const struct json_input *in, const char *path, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	json_input_vfail(in, path, format, args);
	va_end(args);
	return -1;
}

json_t *json_input_parse(const struct json_input *in, const char *text, size_t length)
{
	json_error_t parse_error;
	json_t *root = json_loadb(text, length, JSON_REJECT_DUPLICATES, &parse_error);

	if (!root)
		json_input_fail(in, NULL, "JSON syntax error at line %d, column %d: %s", parse_error.line,
				parse_error.column, parse_error.text);
	return root;
}

/* core's formatter cuts a long path instead of failing. */
const char *json_input_path(char dst[JSON_INPUT_PATH_BYTES], const char *parent, const char *key)
{
	format_string(dst, JSON_INPUT_PATH_BYTES, "%s%s%s", parent, *parent ? "." : "", key);
	return dst;
}

const char *json_input_element_path(char dst[JSON_INPUT_PATH_BYTES], const char *parent, size_t index)
{
	format_string(dst, JSON_INPUT_PATH_BYTES, "%s[%zu]", parent, index);
	return dst;
}

const char *json_input_kind_name(json_type type)
{
	switch (type) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	default:
		return "null";
	}
}

const char *json_input_describe(const json_t *value, char dst[JSON_INPUT_QUOTED_BYTES])
{
	if (json_is_integer(value) && json_integer_value(value) < 0)
		return "a negative integer";
	if (!json_is_string(value))
		return json_input_kind_name(json_typeof(value));
	snprintf(dst, JSON_INPUT_QUOTED_BYTES, "\"%.*s\"", JSON_INPUT_QUOTED_CHARS, json_string_value(value));
	return dst;
}

int json_input_expected(const struct json_input *in, const char *path, const char *what, const json_t *value)
{
	char got[JSON_INPUT_QUOTED_BYTES];

	return json_input_fail(in, path, "expected %s, got %s", what, json_input_describe(value, got));
}

int json_input_missing(const struct json_input *in, const char *path)
{
	return json_input_fail(in, path, "required member is missing");
}

int json_input_choose(const struct json_input *in, const json_t *value, const char *path, const char *const names[],
		      size_t count, unsigned *out)
{
	char known[CHOICES_BYTES] = "";

	for (size_t i = 0; i < count; i++) {
		if (json_is_string(value) && !strcmp(json_string_value(value), names[i])) {
			*out = (unsigned)i;
			return 0;
		}
		format_string(known + strlen(known), sizeof(known) - strlen(known), "%s\"%s\"", i ? ", " : "",
			      names[i]);
	}
	char what[CHOICES_BYTES + 16];
	snprintf(what, sizeof(what), "one of %s", known);
	return json_input_expected(in, path, what, value);
}

const json_t *json_input_present(const struct json_input *in, const json_t *object, const char *key)
{
	const json_t *value = json_object_get(object, key);

	return in->null_is_absent && json_is_null(value) ? NULL : value;
}

int json_input_check_type(const struct json_input *in, const json_t *value, const char *path, json_type type)
{
	if (json_typeof(value) == type)
		return 0;
	return json_input_expected(in, path, json_input_kind_name(type), value);
}

int json_input_member(const struct json_input *in, const json_t *object, const char *parent, const char *key,
		      json_type type, bool required, const json_t **out)
{
	const json_t *value = json_input_present(in, object, key);
	char path[JSON_INPUT_PATH_BYTES];

	*out = NULL;
	if (!value)
		return required ? json_input_missing(in, json_input_path(path, parent, key)) : 0;
	if (json_input_check_type(in, value, json_input_path(path, parent, key), type))
		return -1;
	*out = value;
	return 0;
}

void json_input_store_uint(void *field, size_t size, uint64_t value)
{
	switch (size) {
	case sizeof(uint8_t):
		*(uint8_t *)field = (uint8_t)value;
		break;
	case sizeof(uint16_t):
		*(uint16_t *)field = (uint16_t)value;
		break;
	case sizeof(uint32_t):
		*(uint32_t *)field = (uint32_t)value;
		break;
	default:
		*(uint64_t *)field = value;
		break;
	}
}
