/* UEFI app that prints the firmware's SMBIOS entry points and the tables they point at as hex on ConOut, for fixtures. */
#include <efi.h>
#include <efilib.h>

/* SMBIOS 2.x tables are at most 64 KiB (a 16-bit length); a 3.x "maximum size" past 1 MiB is a corrupt entry. */
#define DUMP_MAX_TABLE_BYTES (1024u * 1024u)
#define HEX_BYTES_PER_LINE 32u
/* Entry-point fields, DMTF DSP0134 3.7 §5.2.1 (32-bit) and §5.2.2 (64-bit). */
#define EP32_LENGTH 0x05u
#define EP32_TABLE_LENGTH 0x16u
#define EP32_TABLE_ADDRESS 0x18u
#define EP64_LENGTH 0x06u
#define EP64_TABLE_MAX_SIZE 0x0Cu
#define EP64_TABLE_ADDRESS 0x10u

static EFI_GUID smbios3_guid = SMBIOS3_TABLE_GUID;
static EFI_GUID smbios_guid = SMBIOS_TABLE_GUID;

static UINT32 le32(const UINT8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (UINT32)p[3] << 24;
}
static UINT64 le64(const UINT8 *p)
{
	return le32(p) | (UINT64)le32(p + 4) << 32;
}

static void print_hex(const UINT8 *bytes, UINT32 len)
{
	static const CHAR16 digits[] = L"0123456789abcdef";
	CHAR16 line[HEX_BYTES_PER_LINE * 2 + 1];
	for (UINT32 at = 0; at < len; at += HEX_BYTES_PER_LINE) {
		UINT32 n = len - at < HEX_BYTES_PER_LINE ? len - at : HEX_BYTES_PER_LINE;
		for (UINT32 i = 0; i < n; i++) {
			line[2 * i] = digits[bytes[at + i] >> 4];
			line[2 * i + 1] = digits[bytes[at + i] & 15];
		}
		line[2 * n] = 0;
		Print(L"%s\n", line);
	}
}

static const UINT8 *config_table(EFI_GUID *guid)
{
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++)
		if (CompareGuid(&ST->ConfigurationTable[i].VendorGuid, guid) == 0)
			return ST->ConfigurationTable[i].VendorTable;
	return NULL;
}

/* Prints one entry point (kind "SM3" or "SM") in full, then the table it names. */
static void dump_entry(const UINT8 *entry, const CHAR16 *kind, UINT32 entry_len, UINT64 table, UINT32 table_len)
{
	Print(L"@@ENTRY %s %016lx %d\n", kind, (UINT64)(UINTN)entry, entry_len);
	print_hex(entry, entry_len);
	if (table == 0 || table_len == 0 || table_len > DUMP_MAX_TABLE_BYTES) {
		Print(L"@@BADTABLE %s %016lx %d\n", kind, table, table_len);
		return;
	}
	Print(L"@@TABLE %s %016lx %d\n", kind, table, table_len);
	print_hex((const UINT8 *)(UINTN)table, table_len);
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	const UINT8 *ep64 = config_table(&smbios3_guid);
	const UINT8 *ep32 = config_table(&smbios_guid);

	Print(L"@@SMBIOS-CAPTURE BEGIN\n");
	if (ep64)
		dump_entry(ep64, L"SM3", ep64[EP64_LENGTH], le64(ep64 + EP64_TABLE_ADDRESS),
			   le32(ep64 + EP64_TABLE_MAX_SIZE));
	if (ep32)
		dump_entry(ep32, L"SM", ep32[EP32_LENGTH], le32(ep32 + EP32_TABLE_ADDRESS),
			   ep32[EP32_TABLE_LENGTH] | ep32[EP32_TABLE_LENGTH + 1] << 8);
	Print(L"@@SMBIOS-CAPTURE END\n");

	/* Power off so that QEMU (-no-reboot) exits on its own. */
	RT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
