/* Host input: one bounded reader for every file a command takes, so that no input can exhaust memory or hang it. */
#include "host_input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sink.h"

/* Standard input's size is not known up front: it is read into this much, doubled as it fills. */
#define FIRST_CHUNK_BYTES (64u * 1024u)

static const char *file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISFIFO(mode))
		return "a FIFO; give - to read standard input";
	if (S_ISSOCK(mode))
		return "a socket";
	return "of an unknown kind";
}

/* "64 MiB" for whole mebibytes (every cap in this tool), else bytes. */
static void size_text(size_t bytes, char *out, size_t out_size)
{
	if (bytes && bytes % MIB == 0)
		snprintf(out, out_size, "%zu MiB", bytes / MIB);
	else
		snprintf(out, out_size, "%zu bytes", bytes);
}

/* size is the file's when known, else 0 (a stream cut off at the cap). */
static void say_too_big(const char *path, size_t size, size_t max_bytes, char *error, size_t error_size)
{
	char limit[32];
	size_text(max_bytes, limit, sizeof(limit));
	if (size)
		format_string(error, error_size, "%s: %zu bytes, more than the %s a tscprobe input may hold", path,
			      size, limit);
	else
		format_string(error, error_size, "%s: more than the %s a tscprobe input may hold", path, limit);
}

/*
 * All of fd, or max_bytes + 1 bytes of it, whichever is less (the extra byte says "too big"), into a buffer
 * with room for a NUL after them. expected is the file's size when known, else 0. 0, or an errno value.
 */
static int read_bounded(int fd, size_t expected, size_t max_bytes, char **text, size_t *length)
{
	size_t limit = max_bytes + 1;
	/* A regular file's size plus one byte, to see its end (or that it grew) without a second buffer. */
	size_t capacity = expected ? expected + 1 : (FIRST_CHUNK_BYTES < limit ? FIRST_CHUNK_BYTES : limit);
	char *data = malloc(capacity + 1);

	if (!data)
		return ENOMEM;
	*length = 0;
	for (;;) {
		if (*length == capacity) {
			if (capacity == limit)
				break;
			size_t more = capacity > limit / 2 ? limit : 2 * capacity;
			char *grown = realloc(data, more + 1);
			if (!grown) {
				free(data);
				return ENOMEM;
			}
			data = grown;
			capacity = more;
		}
		ssize_t got = read(fd, data + *length, capacity - *length);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			int read_errno = errno;
			free(data);
			return read_errno;
		}
		if (got == 0)
			break;
		*length += (size_t)got;
	}
	data[*length] = '\0';
	*text = data;
	return 0;
}

int host_input_read(const char *path, size_t max_bytes, char **text, size_t *length, char *error, size_t error_size)
{
	bool standard_input = !strcmp(path, "-");
	struct stat st;
	int fd, read_errno = 0;

	*text = NULL;
	*length = 0;
	/* Non-blocking, so that opening a FIFO nobody writes to returns at once and can be refused. */
	fd = standard_input ? STDIN_FILENO : open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		format_string(error, error_size, "%s: cannot open: %s", path, strerror(errno));
		return -1;
	}
	/* A device never ends (/dev/urandom) and a FIFO may never start: neither is a saved input. */
	if (fstat(fd, &st)) {
		read_errno = errno;
	} else if (!standard_input && !S_ISREG(st.st_mode)) {
		format_string(error, error_size, "%s: not a regular file (%s)", path, file_kind(st.st_mode));
	} else if (S_ISREG(st.st_mode) && (uintmax_t)st.st_size > max_bytes) {
		say_too_big(path, (size_t)st.st_size, max_bytes, error, error_size);
	} else {
		read_errno = read_bounded(fd, S_ISREG(st.st_mode) ? (size_t)st.st_size : 0, max_bytes, text, length);
		if (!read_errno && *length > max_bytes)
			say_too_big(path, 0, max_bytes, error, error_size);
	}
	if (read_errno)
		format_string(error, error_size, "%s: cannot read: %s", path, strerror(read_errno));
	if (!standard_input)
		close(fd);
	if (*text && *length <= max_bytes)
		return 0;
	free(*text);
	*text = NULL;
	return -1;
}
