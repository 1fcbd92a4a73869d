/* The binary fuzz inputs that describe a machine (a CPUID table, ACPI memory), decoded into a simulator
 * configuration and encoded from one, so that seeds come from the fixtures through the same code. */
#ifndef TSCPROBE_FUZZ_MACHINE_INPUT_H
#define TSCPROBE_FUZZ_MACHINE_INPUT_H

#include <stddef.h>
#include <stdint.h>

#include "sim.h"

/*
 * CPUID table: one flags byte (FUZZ_CPUID_AMD: leaves above a range's maximum read as zeros, else as
 * Intel's echo of the max basic leaf), then records of FUZZ_CPUID_RECORD_BYTES: leaf, subleaf, EAX, EBX,
 * ECX, EDX, each 32-bit little-endian. A partial last record is ignored; a repeated leaf replaces.
 */
#define FUZZ_CPUID_AMD 0x01u
#define FUZZ_CPUID_HEADER_BYTES 1u
#define FUZZ_CPUID_RECORD_BYTES 24u

/* Replace c's CPUID table with the one in data (c keeps everything else). */
void fuzz_cpuid_decode(const uint8_t *data, size_t size, struct sim_config *c);

/* c's CPUID table in that format; the bytes written, 0 when capacity is too small. */
size_t fuzz_cpuid_encode(const struct sim_config *c, uint8_t *out, size_t capacity);

/*
 * ACPI memory: one flags byte, the RSDP's physical address (64-bit little-endian), then regions, each a
 * 64-bit physical address, a 16-bit length and that many bytes of memory there (a short last region keeps
 * what there is). Regions past the simulator's capacity (SIM_ACPI_MAX_TABLES, SIM_ACPI_MAX_BYTES) are
 * ignored. Each region's checksums are then set as firmware would (sim_acpi_fix_checksums), so that a
 * mutated table reaches its parser, unless the flags say FUZZ_ACPI_KEEP_CHECKSUMS.
 */
#define FUZZ_ACPI_KEEP_CHECKSUMS 0x01u
#define FUZZ_ACPI_HEADER_BYTES 9u
#define FUZZ_ACPI_REGION_HEADER_BYTES 10u

/* Make c's firmware tables the memory in data. */
void fuzz_acpi_decode(const uint8_t *data, size_t size, struct sim_config *c);

/* The memory in data as a fixture, for the targets that map it without a simulator. */
void fuzz_acpi_fixture_decode(const uint8_t *data, size_t size, struct sim_acpi_fixture *f);

/* c's fixture tables in that format; the bytes written, 0 when capacity is too small. */
size_t fuzz_acpi_encode(const struct sim_config *c, uint8_t *out, size_t capacity);

#endif
