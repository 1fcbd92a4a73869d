/* Where text goes: one tiny interface behind the console, serial, files and host buffers. */
#ifndef TSCPROBE_SINK_H
#define TSCPROBE_SINK_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

struct sink {
	void (*write)(struct sink *s, const char *text, size_t len);
};

/* printf subset: %s %c %d %u %x %X %f with l/ll/z, width, '-', '+', '0', '.precision' (%.Ns, %.Nf), '*' and %%. */
void sink_printf(struct sink *s, const char *format, ...) __attribute__((format(printf, 2, 3)));
void sink_vprintf(struct sink *s, const char *format, va_list args);
void sink_puts(struct sink *s, const char *text);

/*
 * text after prefix, wrapped at spaces to at most columns (a word longer than a line stands alone), continuation
 * lines indented under the text; ends with a newline. Returns the number of lines written.
 */
unsigned sink_wrapped(struct sink *out, const char *prefix, const char *text, size_t columns);

/* A sink into a fixed buffer; always NUL-terminated, `truncated` set when text did not fit. */
struct buffer_sink {
	struct sink sink;
	char *buf;
	size_t capacity, length;
	bool truncated;
};
void buffer_sink_init(struct buffer_sink *b, char *buf, size_t capacity);

/* snprintf over a buffer_sink; returns the length written (excluding the NUL). */
size_t format_string(char *buf, size_t capacity, const char *format, ...) __attribute__((format(printf, 3, 4)));

/* Length of a NUL-terminated string (core is libc-free). */
size_t text_length(const char *text);
bool text_equal(const char *a, const char *b);
/* Copy src (NULL as "") into dst of capacity bytes, truncating; always NUL-terminated. */
void text_copy(char *dst, size_t capacity, const char *src);

#endif
