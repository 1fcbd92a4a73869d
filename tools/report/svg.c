/* Escaping, numbers and light/dark colours for the SVG and HTML the host tools write. */
#include "svg.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The length of the UTF-8 sequence at p if XML 1.0 allows its character, else 0. */
static size_t xml_char_length(const unsigned char *p)
{
	static const struct {
		unsigned char mask, lead;
		size_t length;
		uint32_t min;
	} forms[] = {{0x80, 0x00, 1, 0x20}, {0xe0, 0xc0, 2, 0x80}, {0xf0, 0xe0, 3, 0x800}, {0xf8, 0xf0, 4, 0x10000}};

	for (size_t f = 0; f < ARRAY_SIZE(forms); f++) {
		if ((p[0] & forms[f].mask) != forms[f].lead)
			continue;
		uint32_t c = p[0] & (unsigned char)~forms[f].mask;
		for (size_t i = 1; i < forms[f].length; i++) {
			if ((p[i] & 0xc0) != 0x80) /* also stops at the NUL */
				return 0;
			c = c << 6 | (p[i] & 0x3f);
		}
		bool allowed = c >= forms[f].min && c <= 0x10ffff && !(c >= 0xd800 && c <= 0xdfff) && c != 0xfffe &&
			       c != 0xffff;
		return allowed ? forms[f].length : 0;
	}
	return 0;
}

void svg_write_text(struct sink *out, const char *text)
{
	static const char *const escapes[][2] = {{"&", "&amp;"}, {"<", "&lt;"}, {">", "&gt;"}, {"\"", "&quot;"}};
	const unsigned char *p = (const unsigned char *)text;

	while (*p) {
		size_t n = xml_char_length(p), e = 0;
		while (e < ARRAY_SIZE(escapes) && *p != (unsigned char)escapes[e][0][0])
			e++;
		if (e < ARRAY_SIZE(escapes))
			sink_puts(out, escapes[e][1]);
		else
			out->write(out, n ? (const char *)p : "?", n ? n : 1);
		p += n ? n : 1;
	}
}

void svg_write_number(struct sink *out, double value, int decimals)
{
	char text[48];
	format_string(text, sizeof(text), "%.*f", decimals, fabs(value));
	sink_printf(out, "%s%s", value < 0 && strspn(text, "0.") != strlen(text) ? "−" : "", text);
}

const struct svg_colour svg_theme[SVG_THEME_COUNT] = {
	{".bg", "fill", "#ffffff", "#0d1117"},     {"text", "fill", "#1f2328", "#e6edf3"},
	{".note", "fill", "#59636e", "#9198a1"},   {".axis", "stroke", "#1f2328", "#e6edf3"},
	{".grid", "stroke", "#d1d9e0", "#30363d"}, {".zero", "stroke", "#818b98", "#656c76"},
};

static void write_rules(struct sink *out, const struct svg_colour *colours, size_t count, bool dark)
{
	for (size_t i = 0; i < count; i++)
		sink_printf(out, "%s{%s:%s}", colours[i].selector, colours[i].property,
			    dark ? colours[i].dark : colours[i].light);
}

void svg_write_colours(struct sink *out, const struct svg_colour *colours, size_t count, const char *dark_media)
{
	write_rules(out, colours, count, false);
	sink_printf(out, "\n@media %s{", dark_media);
	write_rules(out, colours, count, true);
	sink_puts(out, "}\n");
}
