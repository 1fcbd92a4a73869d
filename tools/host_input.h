/* Host input: every file a command reads (scenario, report, serial capture, CSV) comes in whole, bounded. */
#ifndef TSCPROBE_HOST_INPUT_H
#define TSCPROBE_HOST_INPUT_H

#include <stddef.h>

#define MIB (1024u * 1024u)
/*
 * The most any input may hold: a serial capture is a boot's console, tens of KiB (tests/data/serial), and a
 * report at most a few hundred KiB (struct report is 90 KiB), so 64 MiB is a thousand times the largest real
 * input and still a size every machine reads at once.
 */
#define HOST_INPUT_MAX_BYTES (64u * MIB)

/*
 * Read the regular file at path, or standard input when path is "-", into *text (malloc'd, NUL-terminated,
 * free with free()) and its length, refusing more than max_bytes. A directory, a device (/dev/urandom) or a
 * FIFO is refused at once, without reading from it or waiting on it. 0, or -1 with one line in error:
 * "PATH: cannot open: why", "PATH: not a regular file (a directory)", "PATH: larger than 64 MiB (N bytes)".
 */
int host_input_read(const char *path, size_t max_bytes, char **text, size_t *length, char *error, size_t error_size);

#endif
