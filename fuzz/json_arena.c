/*
 * jansson's arena for the parse-only targets. A block is poisoned for ASan outside its bytes and once freed, so that
 * the instrumented reader still stops at a read past a string's end or of a freed value, as under malloc; what the
 * arena gives up is the allocation's stack trace in such a report (the whole-probe targets keep it).
 */
#include "json_arena.h"

#include <jansson.h>
#include <sanitizer/asan_interface.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Far more than jansson builds from libFuzzer's largest input (a node per value, tens of bytes each); past it,
 * blocks come from malloc. */
#define ARENA_BYTES (64u << 20)
/* Each block starts with its size, and the poisoned header keeps neighbours apart by a redzone. */
#define BLOCK_HEADER_BYTES 16u
#define BLOCK_ALIGN 16u

static _Alignas(BLOCK_ALIGN) unsigned char arena[ARENA_BYTES];
static size_t used;

static bool in_arena(const void *p)
{
	return (const unsigned char *)p >= arena && (const unsigned char *)p < arena + ARENA_BYTES;
}

static void *arena_malloc(size_t size)
{
	size_t rounded = (size + BLOCK_ALIGN - 1) & ~(size_t)(BLOCK_ALIGN - 1);
	if (size > ARENA_BYTES || BLOCK_HEADER_BYTES + rounded > ARENA_BYTES - used)
		return malloc(size);
	unsigned char *header = arena + used;
	used += BLOCK_HEADER_BYTES + rounded;
	ASAN_UNPOISON_MEMORY_REGION(header, sizeof(size));
	memcpy(header, &size, sizeof(size));
	ASAN_POISON_MEMORY_REGION(header, sizeof(size));
	ASAN_UNPOISON_MEMORY_REGION(header + BLOCK_HEADER_BYTES, size);
	return header + BLOCK_HEADER_BYTES;
}

static void arena_free(void *p)
{
	size_t size;
	if (!in_arena(p)) {
		free(p);
		return;
	}
	unsigned char *header = (unsigned char *)p - BLOCK_HEADER_BYTES;
	ASAN_UNPOISON_MEMORY_REGION(header, sizeof(size));
	memcpy(&size, header, sizeof(size));
	ASAN_POISON_MEMORY_REGION(header, sizeof(size));
	ASAN_POISON_MEMORY_REGION(p, size);
}

void fuzz_json_arena_begin(void)
{
	static bool installed;
	if (installed)
		return;
	ASAN_POISON_MEMORY_REGION(arena, ARENA_BYTES);
	json_set_alloc_funcs(arena_malloc, arena_free);
	installed = true;
}

void fuzz_json_arena_end(void)
{
	ASAN_POISON_MEMORY_REGION(arena, used);
	used = 0;
}
