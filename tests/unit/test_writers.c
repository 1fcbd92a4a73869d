/* Core's text machinery: the printf subset the firmware build relies on, bounded buffers, JSON output, signatures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <string.h>

#include <jansson.h>

#include "hypervisor.h"
#include "json.h"
#include "sink.h"

/* Format through core's sink_printf and compare with what it must print. */
static void expect_format(const char *expected, const char *format, ...) __attribute__((format(printf, 2, 3)));
static void expect_format(const char *expected, const char *format, ...)
{
	char buf[128];
	struct buffer_sink b;
	va_list args;

	buffer_sink_init(&b, buf, sizeof(buf));
	va_start(args, format);
	sink_vprintf(&b.sink, format, args);
	va_end(args);
	if (strcmp(buf, expected))
		fail_msg("format \"%s\" printed \"%s\", expected \"%s\"", format, buf, expected);
}

static void test_printf_strings_and_chars_pad_and_cut(void **state)
{
	const char *volatile missing = NULL; /* volatile: gcc would refuse a NULL it can see */
	(void)state;

	expect_format("plain text", "plain text");
	expect_format("[abc]", "[%s]", "abc");
	expect_format("[  abc]", "[%5s]", "abc");
	expect_format("[abc  ]", "[%-5s]", "abc");
	expect_format("[ab]", "[%.2s]", "abcdef");
	expect_format("[   ab]", "[%5.2s]", "abcdef");
	expect_format("[abcd]", "[%.*s]", 4, "abcdef");
	expect_format("[(null)]", "[%s]", missing);
	expect_format("[x]", "[%c]", 'x');
	expect_format("[  x]", "[%3c]", 'x');
	expect_format("[x  ]", "[%-3c]", 'x');
	expect_format("100%", "100%%");
}

static void test_printf_signed_integers_at_every_length(void **state)
{
	(void)state;

	expect_format("0", "%d", 0);
	expect_format("-42", "%d", -42);
	expect_format("-2147483648", "%d", INT_MIN);
	expect_format("2147483647", "%d", INT_MAX);
	expect_format("-9223372036854775808", "%ld", LONG_MIN);
	expect_format("-9223372036854775808", "%lld", LLONG_MIN);
	expect_format("9223372036854775807", "%lld", LLONG_MAX);
	expect_format("-12345", "%zd", (ptrdiff_t)-12345);
	expect_format("[   42]", "[%5d]", 42);
	expect_format("[42   ]", "[%-5d]", 42);
	expect_format("[00042]", "[%05d]", 42);
	expect_format("[-0042]", "[%05d]", -42); /* the sign stays in front of the zeros */
	expect_format("[  -42]", "[%5d]", -42);
	expect_format("[   42]", "[%*d]", 5, 42);
	expect_format("[123456]", "[%3d]", 123456); /* width is a minimum, never a cut */
}

static void test_printf_unsigned_and_hex_at_every_length(void **state)
{
	(void)state;

	expect_format("4294967295", "%u", UINT_MAX);
	expect_format("18446744073709551615", "%lu", ULONG_MAX);
	expect_format("18446744073709551615", "%llu", ULLONG_MAX);
	expect_format("1234567890123", "%zu", (size_t)1234567890123ull);
	expect_format("deadbeef", "%x", 0xdeadbeefu);
	expect_format("DEADBEEF", "%X", 0xdeadbeefu);
	expect_format("0", "%x", 0u);
	expect_format("0x0000001f", "0x%08x", 0x1fu);
	expect_format("0x40000001", "0x%08x", 0x40000001u);
	expect_format("ffffffffffffffff", "%llx", ULLONG_MAX);
	expect_format("123456789abc", "%lx", 0x123456789abcul);
	expect_format("fff", "%zx", (size_t)0xfff);
	expect_format("[ff  ]", "[%-4x]", 0xffu);
}

static void test_printf_fixed_point_rounds_and_carries(void **state)
{
	(void)state;

	expect_format("3.142", "%.3f", 3.14159);
	expect_format("1.000000", "%f", 1.0);
	expect_format("0.500", "%.3f", 0.5);
	expect_format("1.000", "%.3f", 0.9995); /* rounding carries into the integer part */
	expect_format("10.0", "%.1f", 9.96);
	expect_format("100", "%.0f", 99.7);
	expect_format("2", "%.0f", 1.5);
	expect_format("0.001", "%.3f", 0.0005);
	expect_format("2599985.123", "%.3f", 2599985.1234);
	expect_format("-3.14", "%.2f", -3.14159);
	expect_format("-1.000", "%.3f", -0.9995);
	expect_format("0.0", "%.1f", -0.04); /* no "-0.0": a sign on zero says nothing */
	expect_format("[  -1.500]", "[%8.3f]", -1.5);
	expect_format("[-001.500]", "[%08.3f]", -1.5);
	expect_format("[1.5     ]", "[%-8.1f]", 1.5);
	expect_format("[ 2.50]", "[%*.*f]", 5, 2, 2.5);
}

static void test_printf_non_numbers_are_spelled_out(void **state)
{
	(void)state;

	expect_format("nan", "%.3f", (double)NAN);
	expect_format("[  nan]", "[%5.1f]", (double)NAN);
	expect_format("[nan  ]", "[%-5.1f]", (double)NAN);
	expect_format("inf", "%.1f", (double)INFINITY);
	expect_format("-inf", "%.1f", -(double)INFINITY);
	expect_format("inf", "%.1f", 2e18); /* beyond 64-bit fixed point: shown as such, never misprinted */
}

static void test_format_string_cuts_and_terminates(void **state)
{
	char buf[8];
	(void)state;

	memset(buf, '#', sizeof(buf));
	assert_int_equal(format_string(buf, 5, "%s", "abcdefghij"), 4);
	assert_string_equal(buf, "abcd");
	assert_int_equal(buf[5], '#'); /* nothing written past the capacity */

	assert_int_equal(format_string(buf, sizeof(buf), "%d-%d", 12, 34), 5);
	assert_string_equal(buf, "12-34");

	assert_int_equal(format_string(buf, 1, "%s", "abc"), 0);
	assert_string_equal(buf, "");

	memset(buf, '#', sizeof(buf));
	assert_int_equal(format_string(buf, 0, "%s", "abc"), 0);
	assert_int_equal(buf[0], '#'); /* capacity 0: not even the terminator */
}

static void test_buffer_sink_reports_truncation(void **state)
{
	char buf[6];
	struct buffer_sink b;
	(void)state;

	buffer_sink_init(&b, buf, sizeof(buf));
	sink_puts(&b.sink, "12345");
	assert_false(b.truncated);
	assert_int_equal(b.length, 5);
	sink_puts(&b.sink, "6");
	assert_true(b.truncated);
	assert_string_equal(buf, "12345");
}

/* A JSON document built by `build`, written into buf and parsed back by jansson. */
static json_t *write_and_parse(void (*build)(struct json_writer *), char *buf, size_t capacity)
{
	struct buffer_sink b;
	struct json_writer w;
	json_error_t error;
	json_t *root;

	buffer_sink_init(&b, buf, capacity);
	jw_begin(&w, &b.sink);
	build(&w);
	jw_end(&w);
	assert_false(b.truncated);
	root = json_loads(buf, 0, &error);
	if (!root)
		fail_msg("writer output is not JSON (line %d, column %d: %s):\n%s", error.line, error.column,
			 error.text, buf);
	return root;
}

static const char awkward_text[] = "quote \" backslash \\ newline \n tab \t bell \a unit-sep \x1f del \x7f end";

static void build_awkward_string(struct json_writer *w)
{
	jw_string(w, "text", awkward_text);
}

static void test_json_strings_escape_quotes_backslashes_and_controls(void **state)
{
	char buf[512];
	json_t *root;
	(void)state;

	root = write_and_parse(build_awkward_string, buf, sizeof(buf));
	assert_string_equal(json_string_value(json_object_get(root, "text")), awkward_text);
	assert_non_null(strstr(buf, "quote \\\" backslash \\\\ newline \\n tab \\u0009 bell \\u0007 unit-sep \\u001f "
				    "del \\u007f end"));
	json_decref(root);
}

static void build_every_kind(struct json_writer *w)
{
	jw_uint(w, "uint", INT64_MAX); /* jansson reads no integer beyond int64 */
	jw_int(w, "int", INT64_MIN);
	jw_bool(w, "yes", true);
	jw_bool(w, "no", false);
	jw_null(w, "nothing");
	jw_hex32(w, "hex32", 0x1f);
	jw_hex64(w, "hex64", 0xfee00000ull);
	jw_double(w, "ppm", -12.25, 2);
	jw_double(w, "unknown", (double)NAN, 3);
	jw_object(w, "object");
	jw_array(w, "array");
	jw_array_inline(w, NULL);
	jw_uint(w, NULL, 1);
	jw_uint(w, NULL, 2);
	jw_close(w);
	jw_object_inline(w, NULL);
	jw_string(w, "k", "v");
	jw_close(w);
	jw_array(w, NULL);
	jw_close(w);
	jw_close(w);
	jw_object(w, "empty");
	jw_close(w);
	jw_close(w);
}

static void test_json_values_and_nesting_parse_back(void **state)
{
	char buf[1024];
	json_t *root, *object, *array;
	(void)state;

	root = write_and_parse(build_every_kind, buf, sizeof(buf));
	assert_true(json_integer_value(json_object_get(root, "uint")) == INT64_MAX);
	assert_true(json_integer_value(json_object_get(root, "int")) == INT64_MIN);
	assert_true(json_is_true(json_object_get(root, "yes")));
	assert_true(json_is_false(json_object_get(root, "no")));
	assert_true(json_is_null(json_object_get(root, "nothing")));
	assert_string_equal(json_string_value(json_object_get(root, "hex32")), "0x0000001f");
	assert_string_equal(json_string_value(json_object_get(root, "hex64")), "0xfee00000");
	assert_true(json_real_value(json_object_get(root, "ppm")) == -12.25);
	assert_true(json_is_null(json_object_get(root, "unknown"))); /* JSON has no NaN */

	object = json_object_get(root, "object");
	array = json_object_get(object, "array");
	assert_int_equal(json_array_size(array), 3);
	assert_int_equal(json_integer_value(json_array_get(json_array_get(array, 0), 1)), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(array, 1), "k")), "v");
	assert_int_equal(json_array_size(json_array_get(array, 2)), 0);
	assert_int_equal(json_object_size(json_object_get(object, "empty")), 0);
	/* Inline containers stay on one line. */
	assert_non_null(strstr(buf, "[1, 2]"));
	assert_non_null(strstr(buf, "{\"k\": \"v\"}"));
	json_decref(root);
}

/* Figures past %f's 64-bit range: a hypervisor's garbage frequency (found by fuzz/fuzz_paravirt). */
static void build_huge_figures(struct json_writer *w)
{
	jw_double(w, "msr_hz", 6.8e18, 0);
	jw_double(w, "negative", -2.5e300, 3);
	jw_double(w, "rounds_up", 9.99999999996e20, 0); /* the mantissa rounds to 10 at 9 decimals */
	jw_double(w, "largest", DBL_MAX, 0);
	jw_double(w, "infinite", (double)INFINITY, 0);
	jw_double(w, "at_limit", 1e18, 0);
}

static void assert_real_near(json_t *value, double expected)
{
	assert_true(json_is_real(value));
	assert_true(fabs(json_real_value(value) - expected) <= fabs(expected) * 1e-9);
}

static void test_json_figures_beyond_1e18_keep_their_value_in_exponent_form(void **state)
{
	char buf[1024];
	json_t *root;
	(void)state;

	root = write_and_parse(build_huge_figures, buf, sizeof(buf));
	assert_non_null(strstr(buf, "\"msr_hz\": 6.800000000e+18"));
	assert_real_near(json_object_get(root, "msr_hz"), 6.8e18);
	assert_real_near(json_object_get(root, "negative"), -2.5e300);
	assert_non_null(strstr(buf, "\"rounds_up\": 1.000000000e+21"));
	assert_non_null(strstr(buf, "\"largest\": 1.797693134e+308")); /* rounded down: up would not parse */
	assert_real_near(json_object_get(root, "largest"), DBL_MAX);
	assert_true(json_is_null(json_object_get(root, "infinite"))); /* JSON has no infinity */
	assert_non_null(strstr(buf, "\"at_limit\": 1000000000000000000"));
	json_decref(root);
}

static void test_json_layout_is_one_member_per_line(void **state)
{
	char buf[256];
	struct buffer_sink b;
	struct json_writer w;
	(void)state;

	buffer_sink_init(&b, buf, sizeof(buf));
	jw_begin(&w, &b.sink);
	jw_string(&w, "schema", "tscprobe/1");
	jw_object(&w, "tool");
	jw_string(&w, "name", "tscprobe");
	jw_close(&w);
	jw_array_inline(&w, "list");
	jw_uint(&w, NULL, 1);
	jw_uint(&w, NULL, 2);
	jw_close(&w);
	jw_end(&w);
	assert_string_equal(buf, "{\n"
				 "  \"schema\": \"tscprobe/1\",\n"
				 "  \"tool\": {\n"
				 "    \"name\": \"tscprobe\"\n"
				 "  },\n"
				 "  \"list\": [1, 2]\n"
				 "}\n");
}

/* As deep as the writer keeps track of, arrays and objects alternating: each closes with its own bracket. */
static void build_deepest(struct json_writer *w)
{
	for (int level = 2; level < JSON_MAX_DEPTH; level++) {
		bool in_object = level % 2 == 0; /* the root, level 1, is an object */
		if (in_object)
			jw_array(w, "down");
		else
			jw_object(w, NULL);
		jw_uint(w, in_object ? NULL : "level", (uint64_t)level);
	}
	for (int level = 2; level < JSON_MAX_DEPTH; level++)
		jw_close(w);
}

static void test_json_nesting_to_the_maximum_depth_parses_back(void **state)
{
	char buf[2048];
	json_t *root, *node;
	int levels = 0;
	(void)state;

	root = write_and_parse(build_deepest, buf, sizeof(buf));
	for (node = root; node; levels++)
		node = json_is_object(node) ? json_object_get(node, "down") : json_array_get(node, 1);
	assert_int_equal(levels, JSON_MAX_DEPTH - 1); /* the root plus each level opened */
	json_decref(root);
}

struct signature_case {
	uint8_t bytes[HV_SIGNATURE_BYTES];
	const char *text;
};

static const struct signature_case signature_cases[] = {
	{"TCGTCGTCGTCG", "TCGTCGTCGTCG"},
	{"KVMKVMKVM\0\0\0", "KVMKVMKVM\\0\\0\\0"},
	{{0}, "\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0"},
	{"bhyve bhyve ", "bhyve bhyve "},
	{"a\\b\"c\x01\x1f\x7f\x80\xff~z", "a\\x5cb\"c\\x01\\x1f\\x7f\\x80\\xff~z"},
};

static void test_signature_text_and_parse_are_inverse(void **state)
{
	(void)state;

	for (size_t i = 0; i < sizeof(signature_cases) / sizeof(signature_cases[0]); i++) {
		const struct signature_case *c = &signature_cases[i];
		char text[HV_SIGNATURE_TEXT_BYTES];
		uint8_t parsed[HV_SIGNATURE_BYTES];

		hv_signature_text(c->bytes, text);
		assert_string_equal(text, c->text);
		assert_true(hv_signature_parse(text, parsed));
		assert_memory_equal(parsed, c->bytes, HV_SIGNATURE_BYTES);
	}
}

static void test_signature_parse_accepts_upper_case_hex(void **state)
{
	uint8_t parsed[HV_SIGNATURE_BYTES];
	(void)state;

	assert_true(hv_signature_parse("\\xFF\\xAbKVMKVMKVM\\0", parsed));
	assert_memory_equal(parsed, "\xff\xabKVMKVMKVM\0", HV_SIGNATURE_BYTES);
}

static void test_signature_parse_refuses_what_text_never_writes(void **state)
{
	static const char *const refused[] = {
		"",                     /* nothing */
		"TCGTCG",               /* 6 bytes */
		"TCGTCGTCGTCGX",        /* 13 bytes */
		"KVMKVMKVM\\0\\0",      /* 11 bytes */
		"KVMKVMKVM\\0\\0\\",    /* escape cut off at the end */
		"KVMKVMKVM\\0\\0\\x4",  /* one hex digit */
		"KVMKVMKVM\\0\\0\\xg0", /* not hex */
		"KVMKVMKVM\\0\\0\\n",   /* escapes other than \0 and \xNN */
	};
	uint8_t parsed[HV_SIGNATURE_BYTES];
	(void)state;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		if (hv_signature_parse(refused[i], parsed))
			fail_msg("\"%s\" was accepted as a signature", refused[i]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_printf_strings_and_chars_pad_and_cut),
		cmocka_unit_test(test_printf_signed_integers_at_every_length),
		cmocka_unit_test(test_printf_unsigned_and_hex_at_every_length),
		cmocka_unit_test(test_printf_fixed_point_rounds_and_carries),
		cmocka_unit_test(test_printf_non_numbers_are_spelled_out),
		cmocka_unit_test(test_format_string_cuts_and_terminates),
		cmocka_unit_test(test_buffer_sink_reports_truncation),
		cmocka_unit_test(test_json_strings_escape_quotes_backslashes_and_controls),
		cmocka_unit_test(test_json_values_and_nesting_parse_back),
		cmocka_unit_test(test_json_figures_beyond_1e18_keep_their_value_in_exponent_form),
		cmocka_unit_test(test_json_layout_is_one_member_per_line),
		cmocka_unit_test(test_json_nesting_to_the_maximum_depth_parses_back),
		cmocka_unit_test(test_signature_text_and_parse_are_inverse),
		cmocka_unit_test(test_signature_parse_accepts_upper_case_hex),
		cmocka_unit_test(test_signature_parse_refuses_what_text_never_writes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
