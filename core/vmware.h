/* VMware's backdoor: an IN from its port with a magic number in EAX (Linux arch/x86/include/asm/vmware.h). */
#ifndef TSCPROBE_VMWARE_H
#define TSCPROBE_VMWARE_H

#define VMWARE_SIGNATURE "VMwareVMware"
#define VMWARE_HYPERVISOR_MAGIC 0x564d5868u /* "VMXh" */
#define VMWARE_HYPERVISOR_PORT 0x5658u      /* "VX" */
#define VMWARE_CMD_GETVERSION 10u /* EBX = magic when VMware answers, EAX = backdoor version, ECX = product type */
#define VMWARE_CMD_GETHZ 45u
#define VMWARE_GETHZ_FAILED 0xffffffffu /* EBX, and EAX when the command is unknown */

/* GETVERSION's product type in ECX (open-vm-tools lib/include/vm_vmx_type.h, VMX_Type; QEMU hw/i386/vmport.c). */
enum vmware_product_type {
	VMWARE_PRODUCT_UNSET,
	VMWARE_PRODUCT_EXPRESS,
	VMWARE_PRODUCT_ESX,
	VMWARE_PRODUCT_SERVER, /* GSX Server / VMware Server */
	VMWARE_PRODUCT_WORKSTATION,
	VMWARE_PRODUCT_WORKSTATION_ENTERPRISE, /* ACE 1.x */
	VMWARE_PRODUCT_TYPE_COUNT
};

#endif
