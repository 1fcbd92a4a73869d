/* The real machine: the core's machine interface on hardware, under UEFI boot services. */
#include <efi.h>
#include <efilib.h>

#include "hw.h"
#include "uefi.h"

static void hw_cpuid(struct machine *m, uint32_t leaf, uint32_t subleaf, struct cpuid_regs *out)
{
	(void)m;
	cpuid_count(leaf, subleaf, &out->eax, &out->ebx, &out->ecx, &out->edx);
}

static enum access_status hw_rdmsr(struct machine *m, uint32_t msr, uint64_t *value)
{
	(void)m;
	return guard_rdmsr(msr, value);
}

static enum access_status hw_wrmsr(struct machine *m, uint32_t msr, uint64_t value)
{
	(void)m;
	return guard_wrmsr(msr, value);
}

static uint64_t hw_rdtsc(struct machine *m)
{
	(void)m;
	return rdtsc();
}

static uint32_t hw_io_read(struct machine *m, uint16_t port, unsigned width)
{
	(void)m;
	return width == 1 ? inb(port) : width == 2 ? inw(port) : inl(port);
}

static void hw_io_write(struct machine *m, uint16_t port, unsigned width, uint32_t value)
{
	(void)m;
	if (width == 1)
		outb(port, (uint8_t)value);
	else if (width == 2)
		outw(port, (uint16_t)value);
	else
		outl(port, value);
}

static uint64_t hw_mmio_read(struct machine *m, uint64_t phys, unsigned width)
{
	(void)m;
	return width == 8 ? mmio_read64(phys) : mmio_read32(phys);
}

static void hw_mmio_write(struct machine *m, uint64_t phys, unsigned width, uint64_t value)
{
	(void)m;
	if (width == 8)
		mmio_write64(phys, value);
	else
		mmio_write32(phys, (uint32_t)value);
}

/* UEFI identity-maps all memory during boot services (UEFI spec 2.3.4, x64 platforms). */
static const void *hw_phys_map(struct machine *m, uint64_t phys, uint64_t len)
{
	(void)m, (void)len;
	return phys ? (const void *)(uintptr_t)phys : NULL;
}

static enum access_status hw_firmware_time(struct machine *m, struct calendar_time *out)
{
	EFI_TIME t;
	(void)m;
	if (EFI_ERROR(RT->GetTime(&t, NULL)))
		return ACCESS_UNSUPPORTED;
	*out = (struct calendar_time){t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second, t.Nanosecond};
	return ACCESS_OK;
}

static void hw_stall(struct machine *m, uint32_t us)
{
	(void)m;
	BS->Stall(us);
}

/* Pages below 4 GiB: old hypervisors take a 32-bit address in the deprecated kvmclock MSRs. */
#define PAGE_BELOW_4G 0xfffff000ull

static volatile void *hw_page_alloc(struct machine *m, uint64_t *phys)
{
	EFI_PHYSICAL_ADDRESS address = PAGE_BELOW_4G;
	(void)m;
	if (EFI_ERROR(BS->AllocatePages(AllocateMaxAddress, EfiBootServicesData, 1, &address)))
		return NULL;
	ZeroMem((void *)(uintptr_t)address, EFI_PAGE_SIZE);
	*phys = address;
	return (volatile void *)(uintptr_t)address;
}

static void hw_page_free(struct machine *m, volatile void *page)
{
	(void)m;
	BS->FreePages((EFI_PHYSICAL_ADDRESS)(uintptr_t)page, 1);
}

static enum access_status hw_vmware_backdoor(struct machine *m, struct backdoor_regs *regs)
{
	(void)m;
	return guard_vmware_backdoor(regs);
}

/* A monitored line of our own: nothing writes it, so only an interrupt ends the MWAIT. */
static volatile uint64_t monitor_line[8] __attribute__((aligned(64)));

/* Idle with interrupts enabled (they are at TPL_APPLICATION): the firmware's timer tick wakes us. */
static enum access_status hw_idle(struct machine *m, enum idle_method method, uint32_t hint)
{
	(void)m;
	if (!interrupts_enabled())
		return ACCESS_UNSUPPORTED; /* nothing would wake the CPU */
	if (method == IDLE_MWAIT)
		return guard_mwait(monitor_line, hint);
	cpu_halt();
	return ACCESS_OK;
}

/* The physical address the UEFI configuration table gives for a GUID, 0 when it lists none (UEFI 2.10 §4.6). */
static uint64_t config_table(EFI_GUID *guid)
{
	for (UINTN i = 0; i < ST->NumberOfTableEntries; i++)
		if (!CompareGuid(&ST->ConfigurationTable[i].VendorGuid, guid))
			return (uint64_t)(uintptr_t)ST->ConfigurationTable[i].VendorTable;
	return 0;
}

/* The RSDP: ACPI 2.0 first, 1.0 as fallback. */
static uint64_t find_rsdp(void)
{
	static EFI_GUID acpi20 = ACPI_20_TABLE_GUID, acpi10 = ACPI_TABLE_GUID;
	uint64_t rsdp = config_table(&acpi20);
	return rsdp ? rsdp : config_table(&acpi10);
}

void uefi_machine_init(struct machine *m)
{
	/* Both SMBIOS entry points, when the firmware publishes both: core/smbios.c chooses. */
	static EFI_GUID smbios3 = SMBIOS3_TABLE_GUID, smbios = SMBIOS_TABLE_GUID;

	guard_init();
	*m = (struct machine){
		.kind = "uefi",
		.cpuid = hw_cpuid,
		.rdmsr = hw_rdmsr,
		.wrmsr = hw_wrmsr,
		.rdtsc = hw_rdtsc,
		.io_read = hw_io_read,
		.io_write = hw_io_write,
		.mmio_read = hw_mmio_read,
		.mmio_write = hw_mmio_write,
		.phys_map = hw_phys_map,
		.firmware_time = hw_firmware_time,
		.stall = hw_stall,
		.page_alloc = hw_page_alloc,
		.page_free = hw_page_free,
		.vmware_backdoor = hw_vmware_backdoor,
		.idle = hw_idle,
		.idle_wake_source = "the firmware's periodic timer interrupt (its tick)",
		.acpi_rsdp = find_rsdp(),
		.smbios3_entry = config_table(&smbios3),
		.smbios_entry = config_table(&smbios),
	};
}
