/* The platform identity on inventories built by hand: product, version, interface, summary, and conflicts named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "kvm.h"
#include "report.h"

static struct platform platform;

/* A virtual machine: the hypervisor bit set, nothing else yet. */
static void guest(void)
{
	platform = (struct platform){0};
	platform.cpu.features[CPU_FEATURE_HYPERVISOR] = true;
}

/* A base with its signature and max leaf, and leaves base+1.. with EAX and EBX as given (0-terminated pairs). */
static struct hv_base *add_base(uint32_t base, const char signature[HV_SIGNATURE_BYTES], uint32_t leaves)
{
	struct hv_base *b = &platform.hv.bases[platform.hv.count++];
	b->base = base;
	memcpy(b->signature, signature, HV_SIGNATURE_BYTES);
	b->max_leaf = base + leaves;
	b->leaf_count = leaves + 1;
	for (uint32_t i = 0; i <= leaves; i++)
		b->leaves[i].leaf = base + i;
	return b;
}

static void set_leaf(struct hv_base *b, uint32_t leaf, uint32_t eax, uint32_t ebx)
{
	b->leaves[leaf - b->base].regs.eax = eax;
	b->leaves[leaf - b->base].regs.ebx = ebx;
}

static void smbios(const char *manufacturer, const char *product, const char *version)
{
	platform.smbios.present = true;
	text_copy(platform.smbios.manufacturer, SMBIOS_TEXT_BYTES, manufacturer);
	text_copy(platform.smbios.product, SMBIOS_TEXT_BYTES, product);
	text_copy(platform.smbios.version, SMBIOS_TEXT_BYTES, version);
}

static void oem_string(const char *text)
{
	text_copy(platform.smbios.oem_strings[platform.smbios.oem_string_count++], SMBIOS_TEXT_BYTES, text);
}

static void acpi_oem(const char *oem_id)
{
	platform.acpi.rsdp_found = true;
	text_copy(platform.acpi.oem_id, sizeof(platform.acpi.oem_id), oem_id);
}

static const struct platform_identity *decide(void)
{
	identity_decide(&platform, &platform.identity);
	return &platform.identity;
}

static void test_virtualbox_5_0_with_its_kvm_provider(void **state)
{
	(void)state;
	guest();
	set_leaf(add_base(0x40000000, KVM_SIGNATURE, 1), 0x40000001, KVM_FEATURES_VIRTUALBOX_PROVIDER, 0);
	smbios("innotek GmbH", "VirtualBox", "1.2");
	oem_string("vboxVer_5.0.20");
	oem_string("vboxRev_106931");
	acpi_oem("VBOX  ");
	const struct platform_identity *id = decide();
	assert_string_equal(id->summary, "VirtualBox 5.0.20 r106931, KVM paravirtualization provider");
	assert_string_equal(id->product, "VirtualBox");
	assert_string_equal(id->version, "5.0.20 r106931");
	assert_string_equal(id->interface, "KVM paravirtualization provider");
	assert_string_equal(id->short_name, "VirtualBox/KVM");
	assert_string_equal(id->conflict, "");
	assert_true(id->evidence_count >= 6);
	char who[IDENTITY_LINE_BYTES];
	identity_claimant(id, "KVM", who, sizeof(who));
	assert_string_equal(who, "VirtualBox's KVM paravirtualization provider");
}

static void test_virtualbox_with_its_hyperv_provider(void **state)
{
	(void)state;
	guest();
	add_base(0x40000000, "VBoxVBoxVBox", 6);
	acpi_oem("VBOX  ");
	const struct platform_identity *id = decide();
	assert_string_equal(id->summary, "VirtualBox, Hyper-V paravirtualization provider");
	assert_string_equal(id->short_name, "VirtualBox/Hyper-V");
}

static void test_hyperv_with_its_version_leaf_and_dmi_product_version(void **state)
{
	(void)state;
	guest();
	/* TLFS 0x40000002: EAX the build, EBX major << 16 | minor. */
	set_leaf(add_base(0x40000000, "Microsoft Hv", 5), 0x40000002, 20348, 0x000a0000);
	smbios("Microsoft Corporation", "Virtual Machine", "Hyper-V UEFI Release v4.1");
	acpi_oem("VRTUAL");
	const struct platform_identity *id = decide();
	assert_string_equal(id->summary, "Hyper-V 10.0 build 20348");
	assert_string_equal(id->short_name, "Hyper-V");
	assert_string_equal(id->conflict, "");
	char who[IDENTITY_LINE_BYTES];
	identity_claimant(id, "Hyper-V", who, sizeof(who));
	assert_string_equal(who, "Hyper-V");
}

/* Other Microsoft platforms say "Microsoft Corporation / Virtual Machine" too: only the DMI version tells Hyper-V. */
static void test_a_microsoft_virtual_machine_without_hyperv_version_names_no_product(void **state)
{
	(void)state;
	guest();
	smbios("Microsoft Corporation", "Virtual Machine", "7.0");
	assert_string_equal(decide()->product, "unknown");
}

static void test_xen_with_viridian(void **state)
{
	(void)state;
	guest();
	add_base(0x40000000, "Microsoft Hv", 1);
	set_leaf(add_base(0x40000100, "XenVMMXenVMM", 1), 0x40000101, 4u << 16 | 17, 0);
	const struct platform_identity *id = decide();
	assert_string_equal(id->summary, "Xen 4.17 with Viridian enlightenments");
	assert_string_equal(id->short_name, "Xen/Viridian");
	assert_string_equal(id->conflict, "");
	char who[IDENTITY_LINE_BYTES];
	identity_claimant(id, "Hyper-V", who, sizeof(who));
	assert_string_equal(who, "Xen's Viridian enlightenments");
	identity_claimant(id, "Xen", who, sizeof(who));
	assert_string_equal(who, "Xen");
}

static void test_qemu_tcg_with_its_machine_version(void **state)
{
	(void)state;
	guest();
	add_base(0x40000000, "TCGTCGTCGTCG", 1);
	smbios("QEMU", "Standard PC (Q35 + ICH9, 2009)", "pc-q35-7.2");
	acpi_oem("BOCHS ");
	const struct platform_identity *id = decide();
	assert_string_equal(id->summary, "QEMU 7.2 (pc-q35-7.2) under TCG");
	assert_string_equal(id->short_name, "QEMU/TCG");
}

static void test_qemu_under_kvm(void **state)
{
	(void)state;
	guest();
	set_leaf(add_base(0x40000000, KVM_SIGNATURE, 1), 0x40000001, 0x01007afb, 0);
	smbios("QEMU", "Standard PC (i440FX + PIIX, 1996)", "pc-i440fx-8.0");
	const struct platform_identity *id = decide();
	assert_string_equal(id->summary, "QEMU 8.0 (pc-i440fx-8.0) under KVM");
	assert_string_equal(id->short_name, "QEMU/KVM");
	char who[IDENTITY_LINE_BYTES];
	identity_claimant(id, IDENTITY_FAMILY_CPU, who, sizeof(who));
	assert_string_equal(who, "QEMU's virtual CPU");
}

static void test_vmware_with_its_product_type(void **state)
{
	(void)state;
	guest();
	add_base(0x40000000, "VMwareVMware", 0x10);
	platform.vmware = (struct vmware_info){.answered = true, .version = 6, .product_type = 4};
	const struct platform_identity *id = decide();
	assert_string_equal(id->summary, "VMware Workstation");
	assert_string_equal(id->short_name, "VMware");
}

static void test_bare_metal(void **state)
{
	(void)state;
	platform = (struct platform){0};
	smbios("Dell Inc.", "OptiPlex 7050", "");
	const struct platform_identity *id = decide();
	assert_string_equal(id->summary, "bare metal");
	assert_string_equal(id->product, "bare metal");
	char who[IDENTITY_LINE_BYTES];
	identity_claimant(id, IDENTITY_FAMILY_CPU, who, sizeof(who));
	assert_string_equal(who, "The CPU");
}

/* QEMU dressed as VirtualBox: the signature only TCG presents outweighs the firmware's strings, and both are named. */
static void test_smbios_virtualbox_against_cpuid_tcg_is_a_named_conflict(void **state)
{
	(void)state;
	guest();
	add_base(0x40000000, "TCGTCGTCGTCG", 1);
	smbios("innotek GmbH", "VirtualBox", "1.2");
	const struct platform_identity *id = decide();
	assert_string_equal(id->product, "QEMU");
	assert_string_equal(id->conflict, "SMBIOS type 1 says VirtualBox, CPUID 0x40000000 says QEMU TCG");
}

/* KVM's own features are more than VirtualBox's provider offers: VirtualBox's firmware strings then conflict. */
static void test_kvm_features_beyond_virtualbox_contradict_virtualbox_firmware(void **state)
{
	(void)state;
	guest();
	set_leaf(add_base(0x40000000, KVM_SIGNATURE, 1), 0x40000001, 0x01007afb, 0);
	acpi_oem("VBOX  ");
	const struct platform_identity *id = decide();
	assert_string_equal(id->conflict, "CPUID 0x40000000 says KVM, ACPI RSDP says VirtualBox");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_virtualbox_5_0_with_its_kvm_provider),
		cmocka_unit_test(test_virtualbox_with_its_hyperv_provider),
		cmocka_unit_test(test_hyperv_with_its_version_leaf_and_dmi_product_version),
		cmocka_unit_test(test_a_microsoft_virtual_machine_without_hyperv_version_names_no_product),
		cmocka_unit_test(test_xen_with_viridian),
		cmocka_unit_test(test_qemu_tcg_with_its_machine_version),
		cmocka_unit_test(test_qemu_under_kvm),
		cmocka_unit_test(test_vmware_with_its_product_type),
		cmocka_unit_test(test_bare_metal),
		cmocka_unit_test(test_smbios_virtualbox_against_cpuid_tcg_is_a_named_conflict),
		cmocka_unit_test(test_kvm_features_beyond_virtualbox_contradict_virtualbox_firmware),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
