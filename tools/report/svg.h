/* What the host's SVG and HTML writers share: escaped text, numbers as people write them, themed colours. */
#ifndef TSCPROBE_SVG_H
#define TSCPROBE_SVG_H

#include <stddef.h>

#include "sink.h"

/*
 * Text as XML character data or attribute value: markup and double quotes escaped; control
 * characters and bytes that are not UTF-8 as '?'.
 */
void svg_write_text(struct sink *out, const char *text);

/* A number with `decimals` places, negative ones with the minus sign U+2212, no sign for zero. */
void svg_write_number(struct sink *out, double value, int decimals);

/* A CSS rule's colour in both schemes: "selector{property:light}", and dark under the dark media query. */
struct svg_colour {
	const char *selector, *property, *light, *dark;
};

/* The colours every chart uses: background (.bg), text, notes (.note), axes, grid lines, the zero line. */
#define SVG_THEME_COUNT 6
extern const struct svg_colour svg_theme[SVG_THEME_COUNT];

/*
 * CSS for the colours: the light rules, then the dark ones inside `@media <dark_media>{...}`
 * (e.g. "(prefers-color-scheme: dark)"), so that the viewer's scheme picks.
 */
void svg_write_colours(struct sink *out, const struct svg_colour *colours, size_t count, const char *dark_media);

#endif
