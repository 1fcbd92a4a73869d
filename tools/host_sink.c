/* Host output: stdio sinks, and files written beside their destination then renamed, never half-written. */
#include "host_sink.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void file_write(struct sink *s, const char *text, size_t len)
{
	struct file_sink *f = (struct file_sink *)s;
	if (fwrite(text, 1, len, f->file) != len && !f->write_errno)
		f->write_errno = errno ? errno : EIO;
}

void file_sink_init(struct file_sink *s, FILE *file)
{
	*s = (struct file_sink){.sink = {.write = file_write}, .file = file};
}

static void memory_write(struct sink *s, const char *text, size_t len)
{
	struct memory_sink *m = (struct memory_sink *)s;

	if (m->failed)
		return;
	if (m->length + len + 1 > m->capacity) {
		size_t more = m->capacity ? m->capacity : 4096;
		while (more < m->length + len + 1)
			more *= 2;
		char *data = realloc(m->data, more);
		if (!data) {
			m->failed = true;
			return;
		}
		m->data = data;
		m->capacity = more;
	}
	memcpy(m->data + m->length, text, len);
	m->length += len;
	m->data[m->length] = '\0';
}

void memory_sink_init(struct memory_sink *m)
{
	*m = (struct memory_sink){.sink = {.write = memory_write}};
}

void memory_sink_free(struct memory_sink *m)
{
	free(m->data);
	memory_sink_init(m);
}

static int output_error(const char *path, const char *what, int error_number, char *error, size_t error_size)
{
	snprintf(error, error_size, "%s: %s: %s", path, what, strerror(error_number));
	return -1;
}

/* A temporary beside final_path (same file system, so rename is atomic) with the mode a new file gets here. */
static FILE *open_temporary(struct output *o)
{
	static const char temp_suffix[] = ".XXXXXX";
	mode_t mask;
	FILE *file;
	int fd;

	size_t size = strlen(o->final_path) + sizeof(temp_suffix);
	o->temp_path = malloc(size);
	if (!o->temp_path)
		return NULL;
	snprintf(o->temp_path, size, "%s%s", o->final_path, temp_suffix);
	fd = mkstemp(o->temp_path);
	if (fd < 0) {
		free(o->temp_path);
		o->temp_path = NULL;
		return NULL;
	}
	/* mkstemp makes the file 0600. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) || !(file = fdopen(fd, "wb"))) {
		int open_errno = errno;
		close(fd);
		errno = open_errno;
		return NULL; /* the caller's output_discard removes the temporary */
	}
	return file;
}

int output_open(struct output *o, const char *path, char *error, size_t error_size)
{
	struct stat st;
	FILE *file;

	*o = (struct output){0};
	if (!path || !strcmp(path, "-")) {
		file_sink_init(&o->out, stdout);
		return 0;
	}
	o->path = path;
	/* A device or FIFO cannot be replaced by a file, and holds nothing to keep: write it in place. */
	if (!stat(path, &st) && !S_ISREG(st.st_mode))
		file = fopen(path, "wb");
	else if (!(o->final_path = realpath(path, NULL)) && !(o->final_path = strdup(path)))
		file = NULL;
	else
		file = open_temporary(o);
	if (!file) {
		int open_errno = errno;
		output_discard(o);
		return output_error(path, "cannot create", open_errno, error, error_size);
	}
	file_sink_init(&o->out, file);
	return 0;
}

int output_close(struct output *o, char *error, size_t error_size)
{
	const char *name = o->path ? o->path : "stdout";
	FILE *file = o->out.file;
	int write_errno = o->out.write_errno;

	/* fsync before rename: after a crash the name must not point at data that never reached the disk. */
	errno = 0;
	if (!write_errno && (fflush(file) || (o->temp_path && fsync(fileno(file)))))
		write_errno = errno ? errno : EIO;
	if (file != stdout) {
		if (fclose(file) && !write_errno)
			write_errno = errno ? errno : EIO;
		o->out.file = NULL;
	}
	if (!write_errno && o->temp_path && rename(o->temp_path, o->final_path)) {
		int rename_errno = errno;
		output_discard(o);
		return output_error(name, "cannot replace", rename_errno, error, error_size);
	}
	if (write_errno) {
		output_discard(o);
		return output_error(name, "write error", write_errno, error, error_size);
	}
	free(o->temp_path);
	free(o->final_path);
	*o = (struct output){0};
	return 0;
}

void output_discard(struct output *o)
{
	if (o->out.file && o->out.file != stdout)
		fclose(o->out.file);
	if (o->temp_path)
		unlink(o->temp_path);
	free(o->temp_path);
	free(o->final_path);
	*o = (struct output){0};
}
