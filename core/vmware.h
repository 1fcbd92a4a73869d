/* VMware's backdoor: an IN from its port with a magic number in EAX (Linux arch/x86/include/asm/vmware.h). */
#ifndef TSCPROBE_VMWARE_H
#define TSCPROBE_VMWARE_H

#define VMWARE_SIGNATURE "VMwareVMware"
#define VMWARE_HYPERVISOR_MAGIC 0x564d5868u /* "VMXh" */
#define VMWARE_HYPERVISOR_PORT 0x5658u      /* "VX" */
#define VMWARE_CMD_GETHZ 45u
#define VMWARE_GETHZ_FAILED 0xffffffffu /* EBX, and EAX when the command is unknown */

#endif
