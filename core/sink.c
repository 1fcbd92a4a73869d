/* A small printf for the probe core: it runs in firmware where there is no libc. */
#include "sink.h"

#include <stdint.h>

size_t text_length(const char *text)
{
	size_t n = 0;
	while (text[n])
		n++;
	return n;
}

bool text_equal(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

void text_copy(char *dst, size_t capacity, const char *src)
{
	size_t i = 0;
	if (!capacity)
		return;
	for (; src && src[i] && i + 1 < capacity; i++)
		dst[i] = src[i];
	dst[i] = '\0';
}

void sink_puts(struct sink *s, const char *text)
{
	s->write(s, text, text_length(text));
}

struct spec {
	bool left, zero, plus;
	int width, precision; /* precision -1: not given */
};

static void emit_padded(struct sink *s, const struct spec *sp, const char *body, size_t len, bool numeric)
{
	size_t pad = sp->width > 0 && (size_t)sp->width > len ? (size_t)sp->width - len : 0;
	char fill = sp->zero && !sp->left && numeric ? '0' : ' ';

	/* A zero-padded signed number keeps its sign in front of the zeros. */
	if (fill == '0' && len && (body[0] == '-' || body[0] == '+')) {
		s->write(s, body, 1);
		body++, len--;
	}
	for (; !sp->left && pad; pad--)
		s->write(s, &fill, 1);
	s->write(s, body, len);
	for (; sp->left && pad; pad--)
		s->write(s, " ", 1);
}

/* Digits of v in base 10 or 16 written backwards from end; returns the start. */
static char *unsigned_digits(char *end, uint64_t v, unsigned base, bool upper)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	do {
		*--end = digits[v % base];
		v /= base;
	} while (v);
	return end;
}

static void emit_integer(struct sink *s, const struct spec *sp, uint64_t magnitude, bool negative, unsigned base,
			 bool upper)
{
	char buf[24];
	char *end = buf + sizeof(buf);
	char *p = unsigned_digits(end, magnitude, base, upper);
	if (negative)
		*--p = '-';
	else if (sp->plus)
		*--p = '+';
	emit_padded(s, sp, p, (size_t)(end - p), true);
}

/* Fixed-point rendering; values beyond 1e18 are shown as such rather than misprinted. */
static void emit_double(struct sink *s, const struct spec *sp, double v)
{
	char buf[48];
	char *end = buf + sizeof(buf);
	char *p = end;
	int precision = sp->precision < 0 ? 6 : (sp->precision > 9 ? 9 : sp->precision);
	bool negative = v < 0;
	uint64_t scale = 1;

	if (v != v) {
		emit_padded(s, sp, "nan", 3, false);
		return;
	}
	if (negative)
		v = -v;
	if (v > 1e18) {
		const char *text = negative ? "-inf" : "inf";
		emit_padded(s, sp, text, text_length(text), false);
		return;
	}
	for (int i = 0; i < precision; i++)
		scale *= 10;
	uint64_t whole = (uint64_t)v;
	double fraction = (v - (double)whole) * (double)scale + 0.5;
	uint64_t frac = (uint64_t)fraction;
	if (frac >= scale) { /* rounding carried into the integer part */
		whole++;
		frac -= scale;
	}
	bool shows_nonzero = whole || frac;
	if (precision) {
		for (int i = 0; i < precision; i++) {
			*--p = (char)('0' + frac % 10);
			frac /= 10;
		}
		*--p = '.';
	}
	p = unsigned_digits(p, whole, 10, false);
	if (negative && shows_nonzero)
		*--p = '-';
	else if (sp->plus)
		*--p = '+';
	emit_padded(s, sp, p, (size_t)(end - p), true);
}

void sink_vprintf(struct sink *s, const char *format, va_list args)
{
	const char *f = format;

	while (*f) {
		if (*f != '%') {
			const char *run = f;
			while (*f && *f != '%')
				f++;
			s->write(s, run, (size_t)(f - run));
			continue;
		}
		f++;
		struct spec sp = {.precision = -1};
		for (;; f++) {
			if (*f == '-')
				sp.left = true;
			else if (*f == '+')
				sp.plus = true;
			else if (*f == '0')
				sp.zero = true;
			else
				break;
		}
		if (*f == '*') {
			sp.width = va_arg(args, int);
			f++;
		}
		for (; *f >= '0' && *f <= '9'; f++)
			sp.width = sp.width * 10 + (*f - '0');
		if (*f == '.') {
			sp.precision = 0;
			f++;
			if (*f == '*') {
				sp.precision = va_arg(args, int);
				f++;
			}
			for (; *f >= '0' && *f <= '9'; f++)
				sp.precision = sp.precision * 10 + (*f - '0');
		}
		int longs = 0;
		for (; *f == 'l'; f++)
			longs++;
		if (*f == 'z') {
			longs = 2;
			f++;
		}

		switch (*f) {
		case 'd':
		case 'i': {
			int64_t v = longs >= 2 ? va_arg(args, long long)
				    : longs    ? va_arg(args, long)
					       : va_arg(args, int);
			emit_integer(s, &sp, v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v, v < 0, 10, false);
			break;
		}
		case 'u':
		case 'x':
		case 'X': {
			uint64_t v = longs >= 2 ? va_arg(args, unsigned long long)
				     : longs    ? va_arg(args, unsigned long)
						: va_arg(args, unsigned int);
			emit_integer(s, &sp, v, false, *f == 'u' ? 10 : 16, *f == 'X');
			break;
		}
		case 'f':
			emit_double(s, &sp, va_arg(args, double));
			break;
		case 's': {
			const char *text = va_arg(args, const char *);
			if (!text)
				text = "(null)";
			size_t len = 0;
			while (text[len] && (sp.precision < 0 || len < (size_t)sp.precision))
				len++;
			emit_padded(s, &sp, text, len, false);
			break;
		}
		case 'c': {
			char c = (char)va_arg(args, int);
			emit_padded(s, &sp, &c, 1, false);
			break;
		}
		case '%':
			s->write(s, "%", 1);
			break;
		case '\0':
			return;
		default: /* unknown conversion: show it rather than guess */
			s->write(s, f - 1, 2);
			break;
		}
		f++;
	}
}

void sink_printf(struct sink *s, const char *format, ...)
{
	va_list args;
	va_start(args, format);
	sink_vprintf(s, format, args);
	va_end(args);
}

static void buffer_write(struct sink *s, const char *text, size_t len)
{
	struct buffer_sink *b = (struct buffer_sink *)s;
	if (!b->capacity)
		return;
	size_t room = b->capacity - 1 - b->length;
	if (len > room) {
		len = room;
		b->truncated = true;
	}
	for (size_t i = 0; i < len; i++)
		b->buf[b->length + i] = text[i];
	b->length += len;
	b->buf[b->length] = '\0';
}

void buffer_sink_init(struct buffer_sink *b, char *buf, size_t capacity)
{
	*b = (struct buffer_sink){.sink = {.write = buffer_write}, .buf = buf, .capacity = capacity};
	if (capacity)
		buf[0] = '\0';
}

size_t format_string(char *buf, size_t capacity, const char *format, ...)
{
	struct buffer_sink b;
	va_list args;

	buffer_sink_init(&b, buf, capacity);
	va_start(args, format);
	sink_vprintf(&b.sink, format, args);
	va_end(args);
	return b.length;
}

unsigned sink_wrapped(struct sink *out, const char *prefix, const char *text, size_t columns)
{
	size_t indent = text_length(prefix), column = indent;
	unsigned lines = 1;
	sink_puts(out, prefix);
	while (*text) {
		size_t word = 0;
		while (text[word] && text[word] != ' ')
			word++;
		if (column > indent && column + 1 + word > columns) {
			sink_printf(out, "\n%*s", (int)indent, "");
			column = indent;
			lines++;
		} else if (column > indent) {
			sink_puts(out, " ");
			column++;
		}
		out->write(out, text, word);
		column += word;
		text += word;
		while (*text == ' ')
			text++;
	}
	sink_puts(out, "\n");
	return lines;
}
