/* Report files on FAT volumes: \tscprobe\run-NNNN.{json,txt} for history and latest.{json,txt}, never half-written. */
#include <efi.h>
#include <efilib.h>

#include "uefi.h"

#define REPORT_DIR L"\\tscprobe"
#define OPTIONS_FILE L"\\tscprobe\\options.txt"
#define RUN_NUMBER_MAX 9999999u
/* A directory listing is bounded: FAT directories hold at most 65536 entries. */
#define DIR_ENTRIES_MAX 65536u
#define DIR_ENTRY_BYTES (SIZE_OF_EFI_FILE_INFO + 256 * sizeof(CHAR16))
/* A run's numbered files: run-NNNN.json, run-NNNN.txt and, after a watch, watch-NNNN.csv. */
#define HISTORY_FILES 3

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

static CHAR16 lower(CHAR16 c)
{
	return c >= L'A' && c <= L'Z' ? c - L'A' + L'a' : c;
}

/* The NNNN of "run-NNNN.json" (any case, as FAT keeps it), or 0. */
static unsigned run_number_of(const CHAR16 *name)
{
	static const CHAR16 prefix[] = L"run-", suffix[] = L".json";
	unsigned n = 0;
	UINTN i = 0, digits = 0;

	for (; prefix[i]; i++)
		if (lower(name[i]) != prefix[i])
			return 0;
	for (; name[i] >= L'0' && name[i] <= L'9' && digits < 7; i++, digits++)
		n = n * 10 + (unsigned)(name[i] - L'0');
	if (!digits)
		return 0;
	for (UINTN k = 0; suffix[k]; k++, i++)
		if (lower(name[i]) != suffix[k])
			return 0;
	return name[i] ? 0 : n;
}

static unsigned next_run_number(EFI_FILE_HANDLE dir)
{
	EFI_FILE_INFO *entry = AllocatePool(DIR_ENTRY_BYTES);
	unsigned highest = 0;

	if (!entry)
		return 1;
	dir->SetPosition(dir, 0);
	for (unsigned i = 0; i < DIR_ENTRIES_MAX; i++) {
		UINTN size = DIR_ENTRY_BYTES;
		if (EFI_ERROR(dir->Read(dir, &size, entry)) || size == 0)
			break;
		unsigned n = run_number_of(entry->FileName);
		if (n > highest)
			highest = n;
	}
	FreePool(entry);
	return highest < RUN_NUMBER_MAX ? highest + 1 : RUN_NUMBER_MAX;
}

static void delete_if_present(EFI_FILE_HANDLE dir, CHAR16 *name)
{
	EFI_FILE_HANDLE f;
	if (!EFI_ERROR(dir->Open(dir, &f, name, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE, 0)))
		f->Delete(f); /* Delete also closes */
}

/* Create name afresh with data; the file is flushed and closed, or removed on failure. */
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

/* Replace name so that a failure at any point leaves the previous file intact: write aside, then swap. */
static EFI_STATUS replace_file(EFI_FILE_HANDLE dir, CHAR16 *name, CHAR16 *temporary, const char *data, UINTN len)
{
	EFI_STATUS status = write_file(dir, temporary, data, len);
	if (EFI_ERROR(status))
		return status;
	delete_if_present(dir, name);
	return rename_file(dir, temporary, name);
}

/* Write one save's files on a volume, naming in `failed` the file that could not be written. A failure
 * before latest.* is replaced also takes this save's run-NNNN files back off, leaving the volume as found. */
static EFI_STATUS save_on_volume(EFI_HANDLE volume, const struct report_files *files, unsigned *run, CHAR16 *failed,
				 UINTN failed_bytes)
{
	EFI_FILE_HANDLE root = LibOpenRoot(volume), dir;
	EFI_STATUS status;
	CHAR16 history[HISTORY_FILES][32];
	const struct memory_sink *history_content[HISTORY_FILES] = {files->json, files->text, files->csv};
	UINTN count = 0;

	StrCpy(failed, REPORT_DIR);
	if (!root)
		return EFI_NOT_FOUND;
	status = root->Open(root, &dir, REPORT_DIR, EFI_FILE_MODE_READ | EFI_FILE_MODE_WRITE | EFI_FILE_MODE_CREATE,
			    EFI_FILE_DIRECTORY);
	if (EFI_ERROR(status)) {
		root->Close(root);
		return status;
	}
	*run = files->run ? files->run : next_run_number(dir);
	SPrint(history[0], sizeof(history[0]), L"run-%04d.json", *run);
	SPrint(history[1], sizeof(history[1]), L"run-%04d.txt", *run);
	SPrint(history[2], sizeof(history[2]), L"watch-%04d.csv", *run);
	for (; count < HISTORY_FILES && history_content[count] && !EFI_ERROR(status); count++) {
		status = write_file(dir, history[count], history_content[count]->data, history_content[count]->length);
		if (EFI_ERROR(status))
			SPrint(failed, failed_bytes, L"%s\\%s", REPORT_DIR, history[count]);
	}
	if (!EFI_ERROR(status)) {
		status = replace_file(dir, L"latest.json", L"latest.json.new", files->json->data, files->json->length);
		if (EFI_ERROR(status))
			SPrint(failed, failed_bytes, L"%s\\latest.json", REPORT_DIR);
	}
	if (EFI_ERROR(status)) {
		for (UINTN i = 0; i < count; i++)
			delete_if_present(dir, history[i]);
	} else {
		status = replace_file(dir, L"latest.txt", L"latest.txt.new", files->text->data, files->text->length);
		if (EFI_ERROR(status))
			SPrint(failed, failed_bytes, L"%s\\latest.txt", REPORT_DIR);
	}
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
		status = save_on_volume(volume, files, &run, failed, sizeof(failed));
		if (!EFI_ERROR(status)) {
			char watch[32] = "";
			if (files->csv)
				format_string(watch, sizeof(watch), "watch-%04u.csv, ", run);
			sink_printf(log,
				    "Report files: \\tscprobe\\run-%04u.json, run-%04u.txt, %slatest.json, latest.txt\n"
				    "  on %s%s\n",
				    run, run, watch, i == 0 ? "the boot volume " : "another volume ", where);
			files->run = run;
			break;
		}
		status_text(status, why, sizeof(why));
		ascii_from_ucs2(failed, what, sizeof(what));
		sink_printf(log, "Report files: cannot write %s on %s%s: %s\n", what,
			    i == 0 ? "the boot volume " : "volume ", where, why);
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
