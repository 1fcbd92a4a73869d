/* A streaming JSON writer for reports: output readable by people and by jq alike. */
#include "json.h"

static void indent(struct json_writer *w)
{
	sink_puts(w->out, "\n");
	for (int i = 0; i < w->depth; i++)
		sink_puts(w->out, "  ");
}

/* Separator, indentation and key for the next member of the current container. */
static void member(struct json_writer *w, const char *key)
{
	bool inline_here = w->inline_container[w->depth];
	if (w->has_members[w->depth])
		sink_puts(w->out, inline_here ? ", " : ",");
	if (!inline_here)
		indent(w);
	w->has_members[w->depth] = true;
	if (key)
		sink_printf(w->out, "\"%s\": ", key);
}

static void open_container(struct json_writer *w, const char *key, char bracket, bool inline_container)
{
	member(w, key);
	sink_printf(w->out, "%c", bracket);
	if (w->depth + 1 >= JSON_MAX_DEPTH) {
		w->overflow++;
		return;
	}
	w->depth++;
	w->has_members[w->depth] = false;
	w->inline_container[w->depth] = inline_container || w->inline_container[w->depth - 1];
	w->closer[w->depth] = bracket == '{' ? '}' : ']';
}

void jw_begin(struct json_writer *w, struct sink *out)
{
	*w = (struct json_writer){.out = out, .depth = 1, .closer = {0, '}'}};
	sink_puts(out, "{");
}

void jw_end(struct json_writer *w)
{
	jw_close(w);
	sink_puts(w->out, "\n");
}

void jw_object(struct json_writer *w, const char *key)
{
	open_container(w, key, '{', false);
}

void jw_object_inline(struct json_writer *w, const char *key)
{
	open_container(w, key, '{', true);
}

void jw_array(struct json_writer *w, const char *key)
{
	open_container(w, key, '[', false);
}

void jw_array_inline(struct json_writer *w, const char *key)
{
	open_container(w, key, '[', true);
}

void jw_close(struct json_writer *w)
{
	if (w->overflow) {
		w->overflow--;
		sink_puts(w->out, "}");
		return;
	}
	if (w->depth == 0)
		return;
	char closer = w->closer[w->depth];
	bool multiline = w->has_members[w->depth] && !w->inline_container[w->depth];
	w->depth--;
	if (multiline)
		indent(w);
	sink_printf(w->out, "%c", closer);
}

/* JSON string escaping (RFC 8259 section 7): quote, backslash and control characters. */
static void write_escaped(struct sink *out, const char *text)
{
	sink_puts(out, "\"");
	for (const char *p = text; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (c == '"' || c == '\\')
			sink_printf(out, "\\%c", c);
		else if (c == '\n')
			sink_puts(out, "\\n");
		else if (c < 0x20 || c == 0x7f)
			sink_printf(out, "\\u%04x", c);
		else
			out->write(out, p, 1);
	}
	sink_puts(out, "\"");
}

void jw_string(struct json_writer *w, const char *key, const char *value)
{
	member(w, key);
	write_escaped(w->out, value);
}

void jw_uint(struct json_writer *w, const char *key, uint64_t value)
{
	member(w, key);
	sink_printf(w->out, "%llu", (unsigned long long)value);
}

void jw_int(struct json_writer *w, const char *key, int64_t value)
{
	member(w, key);
	sink_printf(w->out, "%lld", (long long)value);
}

void jw_bool(struct json_writer *w, const char *key, bool value)
{
	member(w, key);
	sink_puts(w->out, value ? "true" : "false");
}

void jw_null(struct json_writer *w, const char *key)
{
	member(w, key);
	sink_puts(w->out, "null");
}

void jw_hex32(struct json_writer *w, const char *key, uint32_t value)
{
	member(w, key);
	sink_printf(w->out, "\"0x%08x\"", value);
}

void jw_hex64(struct json_writer *w, const char *key, uint64_t value)
{
	member(w, key);
	sink_printf(w->out, "\"0x%llx\"", (unsigned long long)value);
}

/* sink_printf's %f prints through a 64-bit integer, so up to this magnitude; beyond it, an exponent. */
#define JSON_FIXED_LIMIT 1e18
/* Significant digits after the first in exponent form: %f's most, far finer than any garbage claim needs. */
#define JSON_EXPONENT_DECIMALS 9
/* A mantissa at or above this rounds to 10 at JSON_EXPONENT_DECIMALS: written as 1 with the next exponent. */
#define JSON_MANTISSA_ROUNDS_UP 9.9999999995
/* DBL_MAX (1.7976931348623157e308) cut to JSON_EXPONENT_DECIMALS: rounded up, a reader would overflow. */
#define JSON_LARGEST_MANTISSA 1.797693134

/* A finite magnitude beyond JSON_FIXED_LIMIT (a hypervisor's garbage frequency) as d.ddddddddde+N. */
static void write_exponent(struct sink *out, double value)
{
	double mantissa = value < 0 ? -value : value;
	int exponent = 0;
	while (mantissa >= 10) {
		mantissa /= 10;
		exponent++;
	}
	if (mantissa >= JSON_MANTISSA_ROUNDS_UP) {
		mantissa /= 10;
		exponent++;
	}
	if (exponent == __DBL_MAX_10_EXP__ && mantissa > JSON_LARGEST_MANTISSA)
		mantissa = JSON_LARGEST_MANTISSA;
	sink_printf(out, "%s%.*fe+%d", value < 0 ? "-" : "", JSON_EXPONENT_DECIMALS, mantissa, exponent);
}

void jw_double(struct json_writer *w, const char *key, double value, int decimals)
{
	member(w, key);
	/* JSON has no NaN or infinity (inf - inf is NaN): an unknown figure is null. */
	if (value - value != 0)
		sink_puts(w->out, "null");
	else if (value > JSON_FIXED_LIMIT || value < -JSON_FIXED_LIMIT)
		write_exponent(w->out, value);
	else
		sink_printf(w->out, "%.*f", decimals, value);
}
