/* A small XML well-formedness checker for the tests of what the host tools draw (SVG, XHTML-style HTML). */
#ifndef TSCPROBE_XML_CHECK_H
#define TSCPROBE_XML_CHECK_H

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

#define XML_MAX_DEPTH 16
#define XML_NAME_BYTES 32
#define XML_MAX_ATTRIBUTES 16

static const char *xml_problem;

/* Note the first problem; the empty text returned ends the walk. */
static const char *xml_fail(const char *problem)
{
	if (!xml_problem)
		xml_problem = problem;
	return "";
}

/* After a name at p ([A-Za-z_:][A-Za-z0-9._:-]*), copied into name. */
static const char *xml_name(const char *p, char name[XML_NAME_BYTES])
{
	size_t n = 0;
	if (!(isalpha((unsigned char)*p) || *p == '_' || *p == ':'))
		return xml_fail("expected a name");
	while (p[n] && (isalnum((unsigned char)p[n]) || strchr("._:-", p[n])))
		n++;
	if (n >= XML_NAME_BYTES)
		return xml_fail("a name too long for the checker");
	memcpy(name, p, n);
	name[n] = '\0';
	return p + n;
}

/* After a reference at p ('&'): one of the five predefined entities or a character reference. */
static const char *xml_reference(const char *p)
{
	static const char *const entities[] = {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"};
	for (size_t i = 0; i < ARRAY_SIZE(entities); i++)
		if (!strncmp(p, entities[i], strlen(entities[i])))
			return p + strlen(entities[i]);
	if (p[1] == '#' && isdigit((unsigned char)p[2])) {
		p += 2;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == ';')
			return p + 1;
	}
	return xml_fail("a stray '&'");
}

/* Character data or an attribute value up to stop: references well-formed, no control characters. */
static const char *xml_text(const char *p, char stop)
{
	while (*p && *p != stop && *p != '<') {
		if ((unsigned char)*p < 0x20 && !strchr("\t\n\r", *p))
			return xml_fail("a control character");
		p = *p == '&' ? xml_reference(p) : p + 1;
	}
	return p;
}

static const char *skip_space(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

/* A start tag at p ('<'): its attributes quoted and named once; pushed unless it closes itself. */
static const char *xml_start_tag(const char *p, char stack[][XML_NAME_BYTES], int *depth)
{
	char attributes[XML_MAX_ATTRIBUTES][XML_NAME_BYTES];
	int attribute_count = 0;

	if (*depth == XML_MAX_DEPTH)
		return xml_fail("nested too deep for the checker");
	p = xml_name(p + 1, stack[*depth]);
	while (*p) {
		const char *before = p;
		p = skip_space(p);
		if (p[0] == '/' && p[1] == '>')
			return p + 2;
		if (*p == '>') {
			++*depth;
			return p + 1;
		}
		if (p == before || attribute_count == XML_MAX_ATTRIBUTES)
			return xml_fail("an attribute without space before it");
		p = xml_name(p, attributes[attribute_count]);
		for (int i = 0; i < attribute_count; i++)
			if (!strcmp(attributes[i], attributes[attribute_count]))
				return xml_fail("an attribute twice");
		attribute_count++;
		if (p[0] != '=' || (p[1] != '"' && p[1] != '\''))
			return xml_fail("an attribute value without quotes");
		char quote = p[1];
		p = xml_text(p + 2, quote);
		if (*p != quote)
			return xml_fail("an attribute value not closed");
		p++;
	}
	return xml_fail("a tag not closed");
}

/*
 * NULL when well-formed: an optional declaration and DOCTYPE, one root element, every tag closed
 * by its own name, nothing after it but space.
 */
static const char *xml_check(const char *xml)
{
	char stack[XML_MAX_DEPTH][XML_NAME_BYTES], name[XML_NAME_BYTES];
	const char *p = xml;
	int depth = 0;
	bool root_done = false;

	xml_problem = NULL;
	if (!strncmp(p, "<?xml ", 6))
		p = strstr(p, "?>") ? strstr(p, "?>") + 2 : xml_fail("a declaration not closed");
	/* HTML's document type declaration, without an internal subset. */
	if (!strncmp(skip_space(p), "<!DOCTYPE ", 10))
		p = strchr(skip_space(p), '>') ? strchr(skip_space(p), '>') + 1 : xml_fail("a DOCTYPE not closed");
	while (*p) {
		if (*p != '<') {
			const char *text = p;
			p = xml_text(p, '\0');
			if (depth == 0 && skip_space(text) < p)
				p = xml_fail("text outside the root element");
		} else if (p[1] == '/') {
			p = skip_space(xml_name(p + 2, name));
			if (depth == 0 || strcmp(stack[depth - 1], name) || *p != '>') {
				p = xml_fail("an end tag that closes nothing open");
				continue;
			}
			p++;
			root_done = --depth == 0;
		} else if (root_done) {
			p = xml_fail("a second root element");
		} else {
			p = xml_start_tag(p, stack, &depth);
			root_done = depth == 0;
		}
	}
	return xml_problem ? xml_problem : depth ? "an element not closed" : !root_done ? "no root element" : NULL;
}

static void assert_well_formed(const char *xml)
{
	const char *problem = xml_check(xml);
	if (problem)
		fail_msg("not well-formed XML: %s", problem);
}

#endif
