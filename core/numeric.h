/* Small numeric helpers shared by core/: the firmware build has no libm, so compiler builtins behind safe edges. */
#ifndef TSCPROBE_NUMERIC_H
#define TSCPROBE_NUMERIC_H

#include <stdint.h>

static inline double numeric_abs(double x)
{
	return x < 0 ? -x : x;
}

/* The square root, 0 for x <= 0: a variance that rounding took below zero is none. */
static inline double numeric_sqrt(double x)
{
	return x > 0 ? __builtin_sqrt(x) : 0;
}

/* Ascending, in place: insertion sort, as the arrays here are at most a few thousand and mostly in order. */
static inline void numeric_sort(double *v, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		double key = v[i];
		uint32_t j = i;
		for (; j > 0 && v[j - 1] > key; j--)
			v[j] = v[j - 1];
		v[j] = key;
	}
}

#endif
