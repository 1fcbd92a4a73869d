/* The exception guard: an access that faults (#GP, #UD) becomes a status, never a crash or a reboot. */
#include <efi.h>
#include <efilib.h>

#include "hw.h"
#include "uefi.h"

/* PI specification Vol. 2, 12.3: the CPU Architecture Protocol. Only the fields up to the one used. */
#define CPU_ARCH_PROTOCOL_GUID                                         \
	{                                                              \
		0x26baccb1, 0x6f42, 0x11d4,                            \
		{                                                      \
			0xbc, 0xe7, 0x00, 0x80, 0xc7, 0x3c, 0x88, 0x81 \
		}                                                      \
	}
typedef VOID(EFIAPI *CPU_INTERRUPT_HANDLER)(EFI_EXCEPTION_TYPE type, EFI_SYSTEM_CONTEXT context);
struct cpu_arch_protocol {
	void *flush_data_cache, *enable_interrupt, *disable_interrupt, *get_interrupt_state, *init;
	EFI_STATUS(EFIAPI *register_interrupt_handler)
	(struct cpu_arch_protocol *self, EFI_EXCEPTION_TYPE type, CPU_INTERRUPT_HANDLER handler);
};

static struct cpu_arch_protocol *cpu;
static volatile EFI_EXCEPTION_TYPE fault;
static volatile UINT64 skip_bytes;

#define NO_FAULT (-1)

/* Step over the faulting instruction and note which exception it raised. */
static VOID EFIAPI on_fault(EFI_EXCEPTION_TYPE type, EFI_SYSTEM_CONTEXT context)
{
	fault = type;
	context.SystemContextX64->Rip += skip_bytes;
}

BOOLEAN guard_init(void)
{
	static EFI_GUID guid = CPU_ARCH_PROTOCOL_GUID;
	if (EFI_ERROR(LibLocateProtocol(&guid, (void **)&cpu)))
		cpu = NULL;
	return cpu != NULL;
}

/* Handlers are installed only around the guarded instruction, so the firmware's own stay in charge elsewhere. */
static BOOLEAN arm(UINT64 instruction_bytes)
{
	if (!cpu)
		return FALSE;
	fault = NO_FAULT;
	skip_bytes = instruction_bytes;
	if (EFI_ERROR(cpu->register_interrupt_handler(cpu, EXCEPT_X64_GP_FAULT, on_fault)))
		return FALSE;
	if (EFI_ERROR(cpu->register_interrupt_handler(cpu, EXCEPT_X64_INVALID_OPCODE, on_fault))) {
		cpu->register_interrupt_handler(cpu, EXCEPT_X64_GP_FAULT, NULL);
		return FALSE;
	}
	return TRUE;
}

static enum access_status disarm(void)
{
	cpu->register_interrupt_handler(cpu, EXCEPT_X64_INVALID_OPCODE, NULL);
	cpu->register_interrupt_handler(cpu, EXCEPT_X64_GP_FAULT, NULL);
	switch (fault) {
	case NO_FAULT:
		return ACCESS_OK;
	case EXCEPT_X64_INVALID_OPCODE:
		return ACCESS_FAULT_UD;
	default:
		return ACCESS_FAULT_GP;
	}
}

enum access_status guard_rdmsr(uint32_t msr, uint64_t *value)
{
	*value = 0;
	if (!arm(MSR_INSTRUCTION_BYTES))
		return ACCESS_UNSUPPORTED;
	uint64_t v = rdmsr(msr);
	enum access_status status = disarm();
	if (status == ACCESS_OK)
		*value = v;
	return status;
}

enum access_status guard_wrmsr(uint32_t msr, uint64_t value)
{
	if (!arm(MSR_INSTRUCTION_BYTES))
		return ACCESS_UNSUPPORTED;
	wrmsr(msr, value);
	return disarm();
}

enum access_status guard_vmware_backdoor(struct backdoor_regs *regs)
{
	if (!arm(BACKDOOR_INSTRUCTION_BYTES))
		return ACCESS_UNSUPPORTED;
	vmware_backdoor_in(regs);
	return disarm();
}

/* MONITOR then MWAIT on a line of ours; both are skipped by the same length if either faults. */
enum access_status guard_mwait(const volatile void *line, uint32_t hint)
{
	if (!arm(MWAIT_INSTRUCTION_BYTES))
		return ACCESS_UNSUPPORTED;
	cpu_monitor_mwait(line, hint);
	return disarm();
}
