/* Host output: a sink onto a stdio stream, and command output that replaces its file only once complete. */
#ifndef TSCPROBE_HOST_SINK_H
#define TSCPROBE_HOST_SINK_H

#include <stdbool.h>
#include <stdio.h>

#include "sink.h"

/* A sink onto a FILE *; write_errno keeps why the first write failed (disk full, closed pipe), else 0. */
struct file_sink {
	struct sink sink;
	FILE *file;
	int write_errno;
};
void file_sink_init(struct file_sink *s, FILE *file);

/* A sink into memory that grows as needed: output is rendered whole before a byte reaches a file. */
struct memory_sink {
	struct sink sink;
	char *data; /* malloc'd; NUL-terminated when not NULL */
	size_t length, capacity;
	bool failed; /* out of memory: data holds what fitted */
};
void memory_sink_init(struct memory_sink *m);
void memory_sink_free(struct memory_sink *m);

/*
 * What a command writes: stdout; or a regular file, written as a temporary beside it and renamed
 * over it when complete; or a device or FIFO (/dev/stdout, a pipe), written in place.
 */
struct output {
	struct file_sink out;
	const char *path; /* as given, for messages; NULL for stdout */
	char *final_path; /* path with symlinks resolved: what the temporary replaces */
	char *temp_path;  /* NULL when written in place */
};

/* Start output to path, or to stdout when path is NULL or "-". 0, or -1 with "PATH: why" in error. */
int output_open(struct output *o, const char *path, char *error, size_t error_size);

/* Flush, close, and move a temporary into place; on failure a regular file keeps what it had. 0, or -1. */
int output_close(struct output *o, char *error, size_t error_size);

/* Give up: close, and remove the temporary; a regular file keeps what it had. */
void output_discard(struct output *o);

#endif
