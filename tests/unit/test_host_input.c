/* Every host reader (report, serial capture, compare input, scenario, watch CSV) takes only a bounded regular file or "-". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compare.h"
#include "extract.h"
#include "plot.h"
#include "report_read.h"
#include "scenario.h"
#include "testdata.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
/* A reader that waits on a FIFO or reads a device without end is killed by SIGALRM: a failure, not a hang. */
#define HANG_LIMIT_S 20

static char error[640];

static int read_report(const char *path)
{
	static struct report report;
	return report_read_file(path, &report, error, sizeof(error));
}

static int read_capture(const char *path)
{
	struct extracted_report extracted;
	int status = extract_report_file(path, &extracted, error, sizeof(error));
	if (!status)
		free(extracted.json);
	return status;
}

static int read_compare_input(const char *path)
{
	static struct compare_input input;
	int status = compare_input_read(path, &input, error, sizeof(error));
	if (!status)
		compare_input_free(&input);
	return status;
}

static int read_scenario(const char *path)
{
	static struct sim_config config;
	return scenario_load_file(path, &config, error, sizeof(error)) ? 0 : -1;
}

static int read_watch_csv(const char *path)
{
	struct watch_csv csv;
	int status = watch_csv_read_file(path, &csv, error, sizeof(error));
	if (!status)
		watch_csv_free(&csv);
	return status;
}

static const struct reader {
	const char *name;
	int (*read)(const char *path); /* 0, or -1 with the message in error */
	size_t max_bytes;
	const char *fixture; /* a good input, under tests/data */
} readers[] = {
	{"report", read_report, REPORT_MAX_BYTES, "reports/qemu-q35-tcg.json"},
	{"serial capture", read_capture, HOST_INPUT_MAX_BYTES, "serial/ovmf-q35-tcg.log"},
	{"compare input", read_compare_input, HOST_INPUT_MAX_BYTES, "compare/sim-kvm.json"},
	{"scenario", read_scenario, SCENARIO_MAX_BYTES, "scenarios/kvm.json"},
	{"watch CSV", read_watch_csv, HOST_INPUT_MAX_BYTES, "reports/sim-virtualbox-5.0-kvm-watch.csv"},
};

static void expect_refused(const struct reader *r, const char *path, const char *expected)
{
	error[0] = '\0';
	alarm(HANG_LIMIT_S);
	int status = r->read(path);
	alarm(0);
	if (!status)
		fail_msg("%s: %s accepted", r->name, path);
	if (!strstr(error, expected) || strchr(error, '\n'))
		fail_msg("%s: %s\n  gave:     %s\n  expected: ...%s...", r->name, path, error, expected);
}

static void test_every_reader_refuses_a_directory_a_device_and_a_fifo_at_once(void **state)
{
	char folder[] = "/tmp/tscprobe-input-XXXXXX", fifo[64], expected[128];
	(void)state;

	assert_non_null(mkdtemp(folder));
	snprintf(fifo, sizeof(fifo), "%s/capture", folder);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	for (size_t i = 0; i < ARRAY_SIZE(readers); i++) {
		snprintf(expected, sizeof(expected), "%s: not a regular file (a directory)", folder);
		expect_refused(&readers[i], folder, expected);
		expect_refused(&readers[i], "/dev/urandom", "/dev/urandom: not a regular file (a character device)");
		/* Nobody writes to it: a reader that opened it for reading would wait forever. */
		snprintf(expected, sizeof(expected), "%s: not a regular file (a FIFO; give - to read standard input)",
			 fifo);
		expect_refused(&readers[i], fifo, expected);
	}
	unlink(fifo);
	rmdir(folder);
}

static void test_every_reader_refuses_a_file_one_byte_beyond_its_cap(void **state)
{
	char path[] = "/tmp/tscprobe-input-XXXXXX", expected[160];
	(void)state;

	int fd = mkstemp(path);
	assert_true(fd >= 0);
	for (size_t i = 0; i < ARRAY_SIZE(readers); i++) {
		const struct reader *r = &readers[i];
		/* Sparse: the bytes cost nothing, and a reader that stats first never reads them. */
		assert_int_equal(ftruncate(fd, (off_t)r->max_bytes + 1), 0);
		snprintf(expected, sizeof(expected), "%s: %zu bytes, more than the %zu MiB a tscprobe input may hold",
			 path, r->max_bytes + 1, r->max_bytes / MIB);
		expect_refused(r, path, expected);
	}
	close(fd);
	unlink(path);
}

static void test_a_missing_input_says_it_cannot_be_opened_and_why(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(readers); i++)
		expect_refused(&readers[i], "no/such/input", "no/such/input: cannot open: No such file or directory");
}

/* Run r on "-" with fd as standard input; the status, and the standard input restored. */
static int read_standard_input(const struct reader *r, int fd)
{
	int saved = dup(STDIN_FILENO);
	assert_true(saved >= 0);
	assert_true(dup2(fd, STDIN_FILENO) >= 0);
	alarm(HANG_LIMIT_S);
	int status = r->read("-");
	alarm(0);
	assert_true(dup2(saved, STDIN_FILENO) >= 0);
	close(saved);
	return status;
}

static void test_dash_reads_standard_input_and_no_more_of_it_than_the_cap(void **state)
{
	static const char zeros[65536];
	(void)state;

	for (size_t i = 0; i < ARRAY_SIZE(readers); i++) {
		const struct reader *r = &readers[i];
		int fd = open(testdata_path(r->fixture), O_RDONLY);
		assert_true(fd >= 0);
		if (read_standard_input(r, fd))
			fail_msg("%s from standard input: %s", r->name, error);
		close(fd);

		/* A pipe that never ends: the reader stops one byte past its cap, and the writer gets EPIPE. */
		int pipe_fds[2];
		assert_int_equal(pipe(pipe_fds), 0);
		pid_t writer = fork();
		assert_true(writer >= 0);
		if (writer == 0) {
			close(pipe_fds[0]);
			signal(SIGPIPE, SIG_DFL);
			while (write(pipe_fds[1], zeros, sizeof(zeros)) > 0)
				;
			_exit(0);
		}
		close(pipe_fds[1]);
		error[0] = '\0';
		assert_int_not_equal(read_standard_input(r, pipe_fds[0]), 0);
		close(pipe_fds[0]);
		waitpid(writer, NULL, 0);
		char expected[96];
		snprintf(expected, sizeof(expected), "-: more than the %zu MiB a tscprobe input may hold",
			 r->max_bytes / MIB);
		if (strcmp(error, expected))
			fail_msg("%s from an endless pipe\n  gave:     %s\n  expected: %s", r->name, error, expected);
	}
}

/* jansson builds some 30 bytes of tree per byte of a dense input: a report text past the cap is never parsed. */
static void test_report_text_beyond_its_cap_is_refused_before_parsing(void **state)
{
	static struct report report;
	unsigned version;
	size_t length = REPORT_MAX_BYTES + 1;
	char *text = malloc(length);
	(void)state;

	assert_non_null(text);
	memset(text, ' ', length);
	text[0] = '[';
	assert_int_not_equal(report_read_string(text, length, &report, error, sizeof(error)), 0);
	assert_string_equal(error, "4194305 bytes, more than the 4 MiB a report may hold");
	assert_int_not_equal(report_read_any_schema(text, length, "big.json", &report, &version, error, sizeof(error)),
			     0);
	assert_string_equal(error, "big.json: 4194305 bytes, more than the 4 MiB a report may hold");
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_reader_refuses_a_directory_a_device_and_a_fifo_at_once),
		cmocka_unit_test(test_every_reader_refuses_a_file_one_byte_beyond_its_cap),
		cmocka_unit_test(test_a_missing_input_says_it_cannot_be_opened_and_why),
		cmocka_unit_test(test_dash_reads_standard_input_and_no_more_of_it_than_the_cap),
		cmocka_unit_test(test_report_text_beyond_its_cap_is_refused_before_parsing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
