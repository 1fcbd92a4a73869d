/* Report files on FAT volumes: \tscprobe\run-NNNN.{json,txt} for history and latest.{json,txt}.
 *
 * FAT has no journal, and the firmware's FAT driver writes each call's changes FAT first, then its data
 * cache, directory sectors and a file's last part-filled sectors together (edk2 FatPkg flushes its caches
 * in that order at the end of every call; whole sectors of a large write go to the disk at once). A power
 * cut inside a write can so leave the entry at its full size over a tail never written (zeros, or what the
 * clusters held before: an older report's tail); inside a delete, the entry over clusters already free;
 * inside a rename, both names or neither. So every file is written under a temporary name and renamed
 * once whole, and only temporary names are ever deleted:
 *   1. what a cut left is finished first, before this save allocates a cluster (while the clusters a cut
 *      freed cannot belong to another file yet): every temporary is deleted, and with each the name it
 *      was to become, which a cut rename may have left sharing its clusters; then an incomplete newest
 *      run (only an older version wrote in place);
 *   2. run-NNNN.json, .txt (and watch-NNNN.csv), each written whole as NAME.new, flushed, then renamed;
 *   3. latest.json.new and latest.txt.new, written the same way;
 *   4. per file, latest.X becomes latest.X.old and latest.X.new becomes latest.X: renames change
 *      directory entries only, so latest.X is never an entry over freed clusters;
 *   5. latest.X.old is deleted.
 * docs/testing.md has the power-cut figures. */
#include <efi.h>
#include <efilib.h>

#include "history.h"
#include "uefi.h"

#define REPORT_DIR L"\\tscprobe"
#define OPTIONS_FILE L"\\tscprobe\\options.txt"
/* A directory listing is bounded: FAT directories hold at most 65536 entries. */
#define DIR_ENTRIES_MAX 65536u
#define DIR_ENTRY_BYTES (SIZE_OF_EFI_FILE_INFO + 256 * sizeof(CHAR16))
/* A run's numbered files: run-NNNN.json, run-NNNN.txt and, after a watch, watch-NNNN.csv. */
#define HISTORY_FILES 3
#define LATEST_FILES 2
/* A file is read back whole to check it; reports are tens of KB. A larger file (a watch's CSV of days) is
 * taken as whole: a cut write leaves a file empty, and a broken chain fails the read of a smaller one too. */
#define WHOLE_CHECK_BYTES_MAX (8u << 20)

static CHAR16 *const LATEST[LATEST_FILES] = {L"latest.json", L"latest.txt"};
static CHAR16 *const LATEST_NEW[LATEST_FILES] = {L"latest.json.new", L"latest.txt.new"};
static CHAR16 *const LATEST_OLD[LATEST_FILES] = {L"latest.json.old", L"latest.txt.old"};
static const enum history_kind HISTORY_KIND[HISTORY_FILES] = {HISTORY_JSON, HISTORY_TEXT, HISTORY_TEXT};

/* UCS-2 to ASCII for messages; anything else becomes '?'. */
static void ascii_from_ucs2(const CHAR16 *src, char *dst, UINTN capacity)
{
	UINTN i = 0;
	for (; src && src[i] && i + 1 < capacity; i++)
		dst[i] = (char)(src[i] < 0x80 ? src[i] : '?');
	dst[i] = '\0';
}

static void status_text(EFI_STATUS status, char *dst, UINTN capacity)
{
	CHAR16 buf[64];
	StatusToString(buf, status);
	ascii_from_ucs2(buf, dst, capacity);
}

static void volume_text(EFI_HANDLE volume, char *dst, UINTN capacity)
{
	CHAR16 *path = DevicePathToStr(DevicePathFromHandle(volume));
	ascii_from_ucs2(path ? path : L"(no device path)", dst, capacity);
	if (path)
		FreePool(path);
}

#define NAME_CHARS 32

/* A run's numbered files, each with the temporary it is written as and the name it is set aside as. */
struct history_names {
	CHAR16 name[HISTORY_FILES][NAME_CHARS], staged[HISTORY_FILES][NAME_CHARS], old[HISTORY_FILES][NAME_CHARS];
};

static void history_names(unsigned run, struct history_names *names)
{
	static const CHAR16 *const FORMATS[HISTORY_FILES] = {L"run-%04d.json%s", L"run-%04d.txt%s",
							     L"watch-%04d.csv%s"};
	*names = (struct history_names){0};
	for (UINTN i = 0; i < HISTORY_FILES; i++) {
		SPrint(names->name[i], sizeof(names->name[i]), FORMATS[i], run, L"");
		SPrint(names->staged[i], sizeof(names->staged[i]), FORMATS[i], run, L".new");
		SPrint(names->old[i], sizeof(names->old[i]), FORMATS[i], run, L".old");
	}
}

/* The highest NNNN of the run-NNNN.json files in dir, or 0. */
static unsigned newest_run(EFI_FILE_HANDLE dir)
{
	EFI_FILE_INFO *entry = AllocatePool(DIR_ENTRY_BYTES);
	unsigned highest = 0;
	char name[64];

	if (!entry)
		return 0;
	dir->SetPosition(dir, 0);
	for (unsigned i = 0; i < DIR_ENTRIES_MAX; i++) {
		UINTN size = DIR_ENTRY_BYTES;
		if (EFI_ERROR(dir->Read(dir, &size, entry)) || size == 0)
			break;
		ascii_from_ucs2(entry->FileName, name, sizeof(name));
		unsigned n = history_run_number(name);
		if (n > highest)
			highest = n;
	}
	FreePool(entry);
	return highest;
}

static BOOLEAN file_present(EFI_FILE_HANDLE dir, CHAR16 *name)
{
	EFI_FILE_HANDLE f;
	if (EFI_ERROR(dir->Open(dir, &f, name, EFI_FILE_MODE_READ, 0)))
		return FALSE;
	f->Close(f);
	return TRUE;
}

static BOOLEAN delete_if_present(EFI_FILE_HANDLE dir, CHAR16 *name)
{
	EFI_FILE_HANDLE f;
	if (EFI_ERROR(dir->Open(dir, &f, name, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0)))
		return FALSE;
	f->Delete(f); /* Delete also closes */
	return TRUE;
}

/* Whether name (present) was written whole. It is read to its end, so that a cluster chain a cut left
 * broken fails the read. */
static BOOLEAN file_whole(EFI_FILE_HANDLE dir, CHAR16 *name, enum history_kind kind)
{
	EFI_FILE_HANDLE f;
	BOOLEAN whole = FALSE;

	if (EFI_ERROR(dir->Open(dir, &f, name, EFI_FILE_MODE_READ, 0)))
		return FALSE;
	EFI_FILE_INFO *info = LibFileInfo(f);
	UINT64 size = info ? info->FileSize : 0;
	char *data = size > 0 && size <= WHOLE_CHECK_BYTES_MAX ? AllocatePool(size) : NULL;
	UINTN read = size;
	if (size > WHOLE_CHECK_BYTES_MAX)
		whole = TRUE;
	else if (data && !EFI_ERROR(f->Read(f, &read, data)) && read == size)
		whole = history_file_whole(kind, data, read, size);
	if (data)
		FreePool(data);
	if (info)
		FreePool(info);
	f->Close(f);
	return whole;
}

/* The names removed while finishing a cut save, for one line on the log. */
struct removed_list {
	char text[200];
	UINTN used;
};

static void remove_noted(EFI_FILE_HANDLE dir, CHAR16 *name, struct removed_list *removed)
{
	char ascii[40];
	if (!delete_if_present(dir, name))
		return;
	ascii_from_ucs2(name, ascii, sizeof(ascii));
	removed->used += format_string(removed->text + removed->used, sizeof(removed->text) - removed->used, "%s%s",
				       removed->used ? ", " : "", ascii);
}

/* Delete the temporaries a cut left of name: staged (NAME.new) with name itself, first, because a cut
 * rename of staged to name may have left both on the same clusters and that cannot be told from a cut
 * write of staged; old (NAME.old) alone, which a cut left only after name had its new content. While a
 * temporary is left the next boot comes back here. */
static void finish_file(EFI_FILE_HANDLE dir, CHAR16 *name, CHAR16 *staged, CHAR16 *old, struct removed_list *removed)
{
	if (file_present(dir, staged))
		remove_noted(dir, name, removed);
	remove_noted(dir, staged, removed);
	remove_noted(dir, old, removed);
}

/* Step 1: before this save allocates anything, delete what a cut save left. Every deletion here is safe
 * on an entry whose clusters a cut already freed: nothing has reused them since. */
static void finish_cut_save(EFI_FILE_HANDLE dir, struct sink *log)
{
	struct removed_list removed = {.used = 0};
	unsigned newest = newest_run(dir);

	removed.text[0] = '\0';
	/* A cut save was writing run newest + 1, or the files after run-NNNN.json of run newest. */
	for (unsigned run = newest ? newest : 1; run <= newest + 1 && run <= HISTORY_RUN_LAST; run++) {
		struct history_names names;
		history_names(run, &names);
		for (UINTN i = 0; i < HISTORY_FILES; i++)
			finish_file(dir, names.name[i], names.staged[i], names.old[i], &removed);
	}
	newest = newest_run(dir);
	if (newest) {
		/* Only an older version wrote numbered files in place. A run whose JSON is whole is kept, less
		 * any other file of it left part-written; a run whose JSON is not goes whole, and its number is
		 * taken again. */
		struct history_names names;
		history_names(newest, &names);
		BOOLEAN run_whole = file_whole(dir, names.name[0], HISTORY_JSON);
		for (UINTN i = 0; i < HISTORY_FILES; i++) {
			BOOLEAN keep = run_whole && (i == 0 || !file_present(dir, names.name[i]) ||
						     file_whole(dir, names.name[i], HISTORY_KIND[i]));
			if (!keep)
				remove_noted(dir, names.name[i], &removed);
		}
	}
	for (UINTN i = 0; i < LATEST_FILES; i++)
		finish_file(dir, LATEST[i], LATEST_NEW[i], LATEST_OLD[i], &removed);
	if (removed.used)
		sink_printf(log, "Report files: finished a save that was cut short: removed %s\n", removed.text);
}

/* Create name afresh with data in one write; the file is flushed and closed, or removed on failure.
 * Only temporaries are written so: a cut can leave one at full size over a tail never written. */
static EFI_STATUS write_file(EFI_FILE_HANDLE dir, CHAR16 *name, const char *data, UINTN len)
{
	EFI_FILE_HANDLE f;
	EFI_STATUS status;
	UINTN written = len;

	delete_if_present(dir, name);
	status = dir->Open(dir, &f, name, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE, 0);
	if (EFI_ERROR(status))
		return status;
	status = f->Write(f, &written, (void *)data);
	if (!EFI_ERROR(status) && written != len)
		status = EFI_VOLUME_FULL;
	if (!EFI_ERROR(status))
		status = f->Flush(f);
	if (EFI_ERROR(status)) {
		f->Delete(f);
		return status;
	}
	return f->Close(f);
}

static EFI_STATUS rename_file(EFI_FILE_HANDLE dir, CHAR16 *from, CHAR16 *to)
{
	EFI_FILE_HANDLE f;
	EFI_STATUS status = dir->Open(dir, &f, from, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0);
	if (EFI_ERROR(status))
		return status;

	EFI_FILE_INFO *info = LibFileInfo(f);
	UINTN size = SIZE_OF_EFI_FILE_INFO + StrSize(to);
	EFI_FILE_INFO *renamed = info ? AllocateZeroPool(size) : NULL;
	if (!renamed) {
		status = EFI_OUT_OF_RESOURCES;
	} else {
		CopyMem(renamed, info, SIZE_OF_EFI_FILE_INFO);
		renamed->Size = size;
		StrCpy(renamed->FileName, to);
		status = f->SetInfo(f, &GenericFileInfo, size, renamed);
		FreePool(renamed);
	}
	if (info)
		FreePool(info);
	f->Close(f);
	return status;
}

/* The previous name (if any) aside as old, staged in its place. */
static EFI_STATUS swap_in(EFI_FILE_HANDLE dir, CHAR16 *name, CHAR16 *staged, CHAR16 *old)
{
	EFI_STATUS status = EFI_SUCCESS;
	if (file_present(dir, name))
		status = rename_file(dir, name, old);
	return EFI_ERROR(status) ? status : rename_file(dir, staged, name);
}

/* Step 2 for one numbered file: written whole as its temporary, then swapped in (a publish after a watch
 * replaces the run's files of the publish before it). */
static EFI_STATUS write_numbered(EFI_FILE_HANDLE dir, struct history_names *names, UINTN i,
				 const struct memory_sink *content)
{
	EFI_STATUS status = write_file(dir, names->staged[i], content->data, content->length);
	if (!EFI_ERROR(status))
		status = swap_in(dir, names->name[i], names->staged[i], names->old[i]);
	if (EFI_ERROR(status))
		delete_if_present(dir, names->staged[i]);
	else
		delete_if_present(dir, names->old[i]);
	return status;
}

/* Write one save's files on a volume (steps 1 to 5 above), naming in `failed` the file that could not be
 * written. `run` is the run's number, or 0 when history is full: then latest.* alone. A failure before
 * the swap of latest.* takes this save's files back off, leaving the volume as found. */
static EFI_STATUS save_on_volume(EFI_HANDLE volume, const struct report_files *files, unsigned *run, CHAR16 *failed,
				 UINTN failed_bytes, struct sink *log)
{
	EFI_FILE_HANDLE root = LibOpenRoot(volume), dir;
	EFI_STATUS status;
	struct history_names history;
	const struct memory_sink *history_content[HISTORY_FILES] = {files->json, files->text, files->csv};
	const struct memory_sink *latest_content[LATEST_FILES] = {files->json, files->text};
	UINTN written = 0, staged = 0;

	StrCpy(failed, REPORT_DIR);
	if (!root)
		return EFI_NOT_FOUND;
	status = root->Open(root, &dir, REPORT_DIR, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE,
			    EFI_FILE_DIRECTORY);
	if (EFI_ERROR(status)) {
		root->Close(root);
		return status;
	}
	finish_cut_save(dir, log);
	if (files->run) {
		*run = files->run;
	} else {
		unsigned newest = newest_run(dir);
		*run = newest < HISTORY_RUN_LAST ? newest + 1 : 0;
	}
	history_names(*run, &history);
	for (; *run && written < HISTORY_FILES && history_content[written] && !EFI_ERROR(status); written++) {
		status = write_numbered(dir, &history, written, history_content[written]);
		if (EFI_ERROR(status))
			SPrint(failed, failed_bytes, L"%s\\%s", REPORT_DIR, history.name[written]);
	}
	for (; !EFI_ERROR(status) && staged < LATEST_FILES; staged++) {
		status = write_file(dir, LATEST_NEW[staged], latest_content[staged]->data,
				    latest_content[staged]->length);
		if (EFI_ERROR(status))
			SPrint(failed, failed_bytes, L"%s\\%s", REPORT_DIR, LATEST[staged]);
	}
	if (EFI_ERROR(status)) {
		for (UINTN i = 0; i < staged; i++)
			delete_if_present(dir, LATEST_NEW[i]);
		for (UINTN i = 0; *run && i < written; i++)
			delete_if_present(dir, history.name[i]);
	}
	for (UINTN i = 0; !EFI_ERROR(status) && i < LATEST_FILES; i++) {
		status = swap_in(dir, LATEST[i], LATEST_NEW[i], LATEST_OLD[i]);
		if (EFI_ERROR(status))
			SPrint(failed, failed_bytes, L"%s\\%s", REPORT_DIR, LATEST[i]);
	}
	for (UINTN i = 0; !EFI_ERROR(status) && i < LATEST_FILES; i++)
		delete_if_present(dir, LATEST_OLD[i]);
	dir->Close(dir);
	root->Close(root);
	return status;
}

static EFI_HANDLE boot_volume(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *loaded;
	if (EFI_ERROR(BS->HandleProtocol(image, &LoadedImageProtocol, (void **)&loaded)))
		return NULL;
	return loaded->DeviceHandle;
}

EFI_STATUS files_save_report(EFI_HANDLE image, struct report_files *files, struct sink *log)
{
	const struct memory_sink *json = files->json, *text = files->text;
	EFI_HANDLE boot = boot_volume(image), *volumes = NULL;
	UINTN count = 0;
	EFI_STATUS status = EFI_NOT_FOUND;
	char where[160], why[48], what[40];
	CHAR16 failed[40];
	unsigned run = 0;

	if (json->failed || text->failed || (files->csv && files->csv->failed)) {
		sink_puts(log, "Report files: not written: out of memory while rendering the report.\n");
		return EFI_OUT_OF_RESOURCES;
	}
	LibLocateHandle(ByProtocol, &FileSystemProtocol, NULL, &count, &volumes);
	/* The boot volume first, then every other FAT volume in firmware order. */
	for (UINTN i = 0; i <= count; i++) {
		EFI_HANDLE volume = i == 0 ? boot : volumes[i - 1];
		if (!volume || (i > 0 && volume == boot))
			continue;
		volume_text(volume, where, sizeof(where));
		status = save_on_volume(volume, files, &run, failed, sizeof(failed), log);
		if (!EFI_ERROR(status)) {
			char history[64] = "", watch[24] = "";
			if (files->csv)
				format_string(watch, sizeof(watch), "watch-%04u.csv, ", run);
			if (run)
				format_string(history, sizeof(history), "run-%04u.json, run-%04u.txt, %s", run, run,
					      watch);
			sink_printf(log, "Report files: \\tscprobe\\%slatest.json, latest.txt\n  on %s%s\n", history,
				    i == 0 ? "the boot volume " : "another volume ", where);
			if (!run)
				sink_printf(
					log,
					"Report files: history is full (run-%04u.json exists): this run is in "
					"latest.* only; move the run-* files off the volume to number from 1 again\n",
					HISTORY_RUN_LAST);
			files->run = run;
			break;
		}
		status_text(status, why, sizeof(why));
		ascii_from_ucs2(failed, what, sizeof(what));
		sink_printf(log, "Report files: cannot write %s on %s%s: %s\n", what,
			    i == 0 ? "the boot volume " : "volume ", where, why);
		/* Policy: history is never deleted to make room; the user decides what to keep. */
		if (status == EFI_VOLUME_FULL)
			sink_puts(log, "Report files: the volume is full: move old run-* files off the volume, "
				       "nothing was deleted to make room\n");
	}
	if (EFI_ERROR(status))
		sink_puts(log, "Report files: not saved; the complete report is on the console and serial.\n");
	if (volumes)
		FreePool(volumes);
	return status;
}

BOOLEAN files_read_options(EFI_HANDLE image, char *buf, UINTN capacity)
{
	EFI_HANDLE boot = boot_volume(image);
	EFI_FILE_HANDLE root = boot ? LibOpenRoot(boot) : NULL, f;
	UINTN size = capacity - 1;
	BOOLEAN ok = FALSE;

	buf[0] = '\0';
	if (!root)
		return FALSE;
	if (!EFI_ERROR(root->Open(root, &f, OPTIONS_FILE, EFI_FILE_MODE_READ, 0))) {
		if (!EFI_ERROR(f->Read(f, &size, buf))) {
			buf[size] = '\0';
			ok = TRUE;
		}
		f->Close(f);
	}
	root->Close(root);
	return ok;
}
