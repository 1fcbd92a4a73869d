/* The app's command-line options: one table of words, parsed the same from the shell and from options.txt. */
#include "options.h"

void options_defaults(struct options *o)
{
	*o = (struct options){.finish = FINISH_POWER_OFF, .countdown_s = OPTIONS_DEFAULT_COUNTDOWN_S, .write_files = true};
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Next word of *cursor into word (truncated to capacity); false at the end. */
static bool next_word(const char **cursor, char *word, size_t capacity)
{
	const char *p = *cursor;
	size_t n = 0;

	while (is_space(*p))
		p++;
	if (!*p)
		return false;
	for (; *p && !is_space(*p); p++)
		if (n + 1 < capacity)
			word[n++] = *p;
	word[n] = '\0';
	*cursor = p;
	return true;
}

static bool parse_seconds(const char *word, unsigned *out)
{
	unsigned v = 0;
	if (!*word)
		return false;
	for (; *word; word++) {
		if (*word < '0' || *word > '9' || v > OPTIONS_MAX_COUNTDOWN_S)
			return false;
		v = v * 10 + (unsigned)(*word - '0');
	}
	if (v > OPTIONS_MAX_COUNTDOWN_S)
		return false;
	*out = v;
	return true;
}

bool options_parse(const char *args, struct options *o)
{
	char word[64];
	bool first = true;

	o->error[0] = '\0';
	while (next_word(&args, word, sizeof(word))) {
		bool was_first = first;
		first = false;
		if (text_equal(word, "--help") || text_equal(word, "-h")) {
			o->help = true;
		} else if (text_equal(word, "--power-off")) {
			o->finish = FINISH_POWER_OFF;
		} else if (text_equal(word, "--wait-key")) {
			o->finish = FINISH_WAIT_KEY;
		} else if (text_equal(word, "--return")) {
			o->finish = FINISH_RETURN;
		} else if (text_equal(word, "--no-files")) {
			o->write_files = false;
		} else if (text_equal(word, "--countdown")) {
			if (!next_word(&args, word, sizeof(word)) || !parse_seconds(word, &o->countdown_s)) {
				format_string(o->error, sizeof(o->error), "--countdown takes seconds from 0 to %u",
					      OPTIONS_MAX_COUNTDOWN_S);
				return false;
			}
		} else if (!(was_first && word[0] != '-')) {
			format_string(o->error, sizeof(o->error), "unknown option '%s' (see --help)", word);
			return false;
		}
	}
	return true;
}

void options_usage(struct sink *out)
{
	sink_printf(out,
		    "Usage: tscprobe.efi [options]\n"
		    "  --help            this text\n"
		    "  --power-off       at the end, count down and power off (default; any key cancels)\n"
		    "  --countdown SEC   length of that countdown (default %u s, 0 = none)\n"
		    "  --wait-key        at the end, wait for a key, then return to the firmware or shell\n"
		    "  --return          at the end, return to the firmware or shell at once\n"
		    "  --no-files        do not write \\tscprobe\\ report files\n"
		    "Options are also read from \\tscprobe\\options.txt on the boot volume (command line wins).\n",
		    OPTIONS_DEFAULT_COUNTDOWN_S);
}
