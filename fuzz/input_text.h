/* The fuzz input as the NUL-terminated text that the loaders taking a file's contents expect. */
#ifndef TSCPROBE_FUZZ_INPUT_TEXT_H
#define TSCPROBE_FUZZ_INPUT_TEXT_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A malloc'd copy of data with a NUL after it (free it), or NULL when memory runs out. */
static inline char *fuzz_input_text(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (text) {
		memcpy(text, data, size);
		text[size] = '\0';
	}
	return text;
}

#endif
