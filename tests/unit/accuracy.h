/*
 * The upper side of the accuracy checks: how uncertain an honest figure may be in a simulated scenario, from the
 * scenario's own ticks, read costs, windows and sample counts. A stated uncertainty above it is inflated.
 */
#ifndef TSCPROBE_ACCURACY_H
#define TSCPROBE_ACCURACY_H

#include <stdint.h>

#include "report.h"
#include "sim.h"

/* Seconds one read of the reference takes in the scenario, with the two TSC reads that bracket it. */
double reference_read_s(const struct sim_config *config, const char *name);

/* How far off one reading of the named counter may be: one tick of its nominal rate, and the read. */
double reading_error_s(const struct sim_config *config, const struct report *report, const char *name);

/* Three standard errors of a slope through samples spread evenly over span_s, each off by up to sample_error_s. */
double slope_limit_ppm(double sample_error_s, double span_s, uint32_t samples);

/* The most uncertain the TSC rate measured against the named reference (one with a nominal rate) may honestly be. */
double reference_limit_ppm(const struct sim_config *config, const struct report *report, const char *name);

#endif
