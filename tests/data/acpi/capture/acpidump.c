/* UEFI app that prints the firmware's ACPI root and the tables it lists as hex on ConOut, for fixtures. */
#include <efi.h>
#include <efilib.h>

/* No hypervisor table comes near this; a longer one is a corrupt header, not data to print. */
#define DUMP_MAX_TABLE_BYTES (1024u * 1024u)
#define SDT_HEADER_BYTES 36u
#define RSDP_V1_BYTES 20u
#define HEX_BYTES_PER_LINE 32u
/* FADT fields that point at the FACS and DSDT (ACPI 6.5 §5.2.9): 32-bit, then 64-bit since ACPI 2.0. */
#define FADT_FIRMWARE_CTRL 36u
#define FADT_DSDT 40u
#define FADT_X_FIRMWARE_CTRL 132u
#define FADT_X_DSDT 140u

static EFI_GUID acpi20_guid = ACPI_20_TABLE_GUID;
static EFI_GUID acpi10_guid = ACPI_TABLE_GUID;

static UINT32 le32(const UINT8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (UINT32)p[3] << 24;
}
static UINT64 le64(const UINT8 *p)
{
	return le32(p) | (UINT64)le32(p + 4) << 32;
}

static void signature_text(const UINT8 *sig, CHAR16 out[5])
{
	for (int i = 0; i < 4; i++)
		out[i] = (sig[i] >= 0x20 && sig[i] < 0x7f) ? sig[i] : L'?';
	out[4] = 0;
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

/* Prints a table in full; with full == FALSE (the DSDT and FACS: big, and beside the point) only lists it. */
static void dump_table(UINT64 addr, BOOLEAN full, const CHAR16 *via)
{
	CHAR16 sig[5];
	const UINT8 *t = (const UINT8 *)(UINTN)addr;
	if (addr == 0)
		return;
	signature_text(t, sig);
	UINT32 len = le32(t + 4);
	if (len < SDT_HEADER_BYTES || len > DUMP_MAX_TABLE_BYTES || !full) {
		Print(L"@@OTHER %s %016lx %d %s\n", sig, addr, len, via);
		return;
	}
	Print(L"@@TABLE %s %016lx %d %s\n", sig, addr, len, via);
	print_hex(t, len);
}

/* Walks a root table (entry_bytes 8 for the XSDT, 4 for the RSDT) and dumps what it lists. */
static void dump_root(UINT64 addr, UINT32 entry_bytes, const CHAR16 *via)
{
	const UINT8 *t = (const UINT8 *)(UINTN)addr;
	if (addr == 0)
		return;
	dump_table(addr, TRUE, via);
	UINT32 len = le32(t + 4);
	if (len < SDT_HEADER_BYTES || len > DUMP_MAX_TABLE_BYTES)
		return;
	for (UINT32 at = SDT_HEADER_BYTES; at + entry_bytes <= len; at += entry_bytes) {
		UINT64 entry = entry_bytes == 8 ? le64(t + at) : le32(t + at);
		dump_table(entry, TRUE, via);
		const UINT8 *f = (const UINT8 *)(UINTN)entry;
		if (entry != 0 && CompareMem(f, "FACP", 4) == 0) {
			/* The FACS and DSDT hang off the FADT, not the root: list them too. */
			UINT32 flen = le32(f + 4);
			dump_table(le32(f + FADT_FIRMWARE_CTRL), FALSE, L"FADT.FIRMWARE_CTRL");
			dump_table(le32(f + FADT_DSDT), FALSE, L"FADT.DSDT");
			if (flen >= FADT_X_DSDT + 8) {
				dump_table(le64(f + FADT_X_FIRMWARE_CTRL), FALSE, L"FADT.X_FIRMWARE_CTRL");
				dump_table(le64(f + FADT_X_DSDT), FALSE, L"FADT.X_DSDT");
			}
		}
	}
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	InitializeLib(image, systab);
	const UINT8 *rsdp = NULL;
	const CHAR16 *guid_name = L"none";

	for (UINTN i = 0; i < ST->NumberOfTableEntries && !rsdp; i++)
		if (CompareGuid(&ST->ConfigurationTable[i].VendorGuid, &acpi20_guid) == 0) {
			rsdp = ST->ConfigurationTable[i].VendorTable;
			guid_name = L"ACPI_20_TABLE_GUID";
		}
	for (UINTN i = 0; i < ST->NumberOfTableEntries && !rsdp; i++)
		if (CompareGuid(&ST->ConfigurationTable[i].VendorGuid, &acpi10_guid) == 0) {
			rsdp = ST->ConfigurationTable[i].VendorTable;
			guid_name = L"ACPI_TABLE_GUID";
		}

	Print(L"@@ACPI-CAPTURE BEGIN\n");
	if (rsdp) {
		UINT8 revision = rsdp[15];
		UINT32 rsdp_len = revision >= 2 ? le32(rsdp + 20) : RSDP_V1_BYTES;
		Print(L"@@TABLE RSDP %016lx %d %s\n", (UINT64)(UINTN)rsdp, rsdp_len, guid_name);
		print_hex(rsdp, rsdp_len);
		if (revision >= 2)
			dump_root(le64(rsdp + 24), 8, L"XSDT");
		dump_root(le32(rsdp + 16), 4, L"RSDT");
	}
	Print(L"@@ACPI-CAPTURE END\n");

	/* Power off so that QEMU (-no-reboot) exits on its own. */
	RT->ResetSystem(EfiResetShutdown, EFI_SUCCESS, 0, NULL);
	return EFI_SUCCESS;
}
