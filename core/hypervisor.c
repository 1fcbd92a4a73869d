/* Hypervisor CPUID bases: which hypervisors answer, what they call themselves, and what leaves they offer. */
#include "hypervisor.h"
#include "kvm.h"
#include "vmware.h"

/* Signatures from shared/reference/hypervisor-time-interfaces.md A2 (Linux, Xen, VirtualBox, QEMU, VMAware). */
static const struct {
	char signature[HV_SIGNATURE_BYTES];
	const char *name;
} known_signatures[] = {
	{KVM_SIGNATURE, "KVM"},
	{"Microsoft Hv", "Hyper-V"},
	{"Linux KVM Hv", "KVM (Hyper-V emulation)"},
	{VMWARE_SIGNATURE, "VMware"},
	{"XenVMMXenVMM", "Xen"},
	{"VBoxVBoxVBox", "VirtualBox (Hyper-V provider)"},
	{"\0\0\0\0\0\0\0\0\0\0\0\0", "unnamed (VirtualBox Minimal provider uses an all-NUL signature)"},
	{"TCGTCGTCGTCG", "QEMU TCG"},
	{"bhyve bhyve ", "bhyve"},
	{"ACRNACRNACRN", "ACRN"},
	{"Jailhouse\0\0\0", "Jailhouse"},
	{" QNXQVMBSQG ", "QNX hypervisor"},
	{" lrpepyh  vr", "Parallels"},
	{"prl hyperv  ", "Parallels"},
	{"VirtualApple", "Apple Rosetta 2"},
	{"Apple VZ\0\0\0\0", "Apple Virtualization.framework"},
	{"SRESRESRESRE", "LMHS SRE"},
	{"OpenBSDVMM58", "OpenBSD vmm"},
	{"___ NVMM ___", "NetBSD NVMM"},
	{"HAXMHAXMHAXM", "Intel HAXM"},
	{"UnisysSpar64", "Unisys s-Par"},
	{"EVMMEVMMEVMM", "Intel KGT"},
	{"LKVMLKVMLKVM", "kvmtool"},
	{"IntelTDX    ", "Intel TDX module"},
};

static bool signature_equal(const uint8_t *a, const char *b)
{
	for (int i = 0; i < HV_SIGNATURE_BYTES; i++)
		if (a[i] != (uint8_t)b[i])
			return false;
	return true;
}

const char *hv_name(const uint8_t signature[HV_SIGNATURE_BYTES])
{
	for (size_t i = 0; i < sizeof(known_signatures) / sizeof(known_signatures[0]); i++)
		if (signature_equal(signature, known_signatures[i].signature))
			return known_signatures[i].name;
	return NULL;
}

static const char HEX_DIGITS[] = "0123456789abcdef";

void hv_signature_text(const uint8_t signature[HV_SIGNATURE_BYTES], char *dst)
{
	for (int i = 0; i < HV_SIGNATURE_BYTES; i++) {
		uint8_t c = signature[i];
		if (c == 0) {
			*dst++ = '\\';
			*dst++ = '0';
		} else if (c < 0x20 || c > 0x7e || c == '\\') {
			*dst++ = '\\';
			*dst++ = 'x';
			*dst++ = HEX_DIGITS[c >> 4];
			*dst++ = HEX_DIGITS[c & 0xf];
		} else {
			*dst++ = (char)c;
		}
	}
	*dst = '\0';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool hv_signature_parse(const char *text, uint8_t signature[HV_SIGNATURE_BYTES])
{
	for (int i = 0; i < HV_SIGNATURE_BYTES; i++) {
		if (text[0] == '\0')
			return false;
		if (text[0] != '\\') {
			signature[i] = (uint8_t)*text++;
		} else if (text[1] == '0') {
			signature[i] = 0;
			text += 2;
		} else if (text[1] == 'x' && hex_value(text[2]) >= 0 && hex_value(text[3]) >= 0) {
			signature[i] = (uint8_t)(hex_value(text[2]) << 4 | hex_value(text[3]));
			text += 4;
		} else {
			return false;
		}
	}
	return text[0] == '\0';
}

static bool regs_equal(const struct cpuid_regs *a, const struct cpuid_regs *b)
{
	return a->eax == b->eax && a->ebx == b->ebx && a->ecx == b->ecx && a->edx == b->edx;
}

static void signature_from_regs(const struct cpuid_regs *r, uint8_t signature[HV_SIGNATURE_BYTES])
{
	const uint32_t words[3] = {r->ebx, r->ecx, r->edx};
	for (int w = 0; w < 3; w++)
		for (int i = 0; i < 4; i++)
			signature[4 * w + i] = (uint8_t)(words[w] >> (8 * i));
}

static bool signature_all_nul(const uint8_t signature[HV_SIGNATURE_BYTES])
{
	for (int i = 0; i < HV_SIGNATURE_BYTES; i++)
		if (signature[i])
			return false;
	return true;
}

/*
 * A base is live when it is not an echo of the max basic leaf (Intel semantics for
 * out-of-range leaves, which KVM and TCG follow), not all zeros (AMD semantics), and
 * either names a known hypervisor or reports a max leaf that looks like a hypervisor
 * leaf at or above itself (VirtualBox Minimal: NUL signature, max 0x40000010). A known
 * signature with a garbage max leaf is still live: reporting that garbage is the point.
 */
static bool base_is_live(uint32_t base, const struct cpuid_regs *r, const struct cpuid_regs *echo)
{
	static const struct cpuid_regs zero;
	uint8_t signature[HV_SIGNATURE_BYTES];

	if (regs_equal(r, echo) || regs_equal(r, &zero))
		return false;
	signature_from_regs(r, signature);
	if (hv_name(signature) && !signature_all_nul(signature))
		return true;
	return (r->eax & 0xffff0000u) == HV_BASE_FIRST && r->eax >= base;
}

/*
 * Linux Documentation/virt/kvm/x86/cpuid.rst: KVM's max leaf is 0x40000001, and "old hosts set eax value to 0x0.
 * This should be interpreted as if the value was 0x40000001". Relative to the base: KVM sits at 0x40000100 when
 * it emulates Hyper-V at 0x40000000. Only KVM's signature gets this reading.
 */
#define KVM_OLD_HOST_LAST_OFFSET 1u

/* Read base..max_leaf when the max leaf is believable, then the timing leaf if it is in range. */
static void read_base(struct machine *m, uint32_t base, const struct cpuid_regs *base_regs, struct hv_base *b)
{
	uint32_t last_leaf = base;
	*b = (struct hv_base){.base = base, .max_leaf = base_regs->eax};
	signature_from_regs(base_regs, b->signature);
	b->leaves[0] = (struct hv_leaf){base, *base_regs};
	b->leaf_count = 1;

	if (b->max_leaf == 0 && signature_equal(b->signature, KVM_SIGNATURE)) {
		b->range = HV_RANGE_KVM_ZERO;
		last_leaf = base + KVM_OLD_HOST_LAST_OFFSET;
	} else if (b->max_leaf < base) {
		b->range = HV_RANGE_BELOW_BASE;
	} else if (b->max_leaf - base >= HV_MAX_LEAVES) {
		b->range = HV_RANGE_BEYOND_BLOCK;
	} else {
		b->range = HV_RANGE_OK;
		last_leaf = b->max_leaf;
	}
	for (uint32_t leaf = base + 1; leaf <= last_leaf; leaf++) {
		struct hv_leaf *l = &b->leaves[b->leaf_count++];
		l->leaf = leaf;
		m->cpuid(m, leaf, 0, &l->regs);
	}

	const struct hv_leaf *timing = hv_find_leaf(b, base + HV_TIMING_LEAF_OFFSET);
	if (!timing) {
		b->timing = HV_TIMING_NOT_OFFERED;
	} else if (timing->regs.eax == 0) {
		/* ACRN review: a zero EAX means the hypervisor does not know; never a 0 Hz claim. */
		b->timing = HV_TIMING_ZERO;
	} else {
		b->timing = HV_TIMING_PRESENT;
		b->timing_tsc_khz = timing->regs.eax;
		b->timing_apic_bus_khz = timing->regs.ebx;
	}
}

void hv_scan(struct machine *m, const struct cpuid_regs *echo, struct hv_inventory *out)
{
	out->count = 0;
	out->dropped = 0;
	for (uint32_t base = HV_BASE_FIRST; base <= HV_BASE_LAST; base += HV_BASE_STEP) {
		struct cpuid_regs r;
		m->cpuid(m, base, 0, &r);
		if (!base_is_live(base, &r, echo))
			continue;
		if (out->count == HV_MAX_BASES) {
			out->dropped++;
			continue;
		}
		read_base(m, base, &r, &out->bases[out->count++]);
	}
}

const struct hv_leaf *hv_find_leaf(const struct hv_base *b, uint32_t leaf)
{
	if (leaf < b->base || leaf - b->base >= b->leaf_count)
		return NULL;
	return &b->leaves[leaf - b->base];
}

const struct hv_base *hv_find_base(const struct hv_inventory *inventory, const char signature[HV_SIGNATURE_BYTES])
{
	for (uint32_t i = 0; i < inventory->count; i++)
		if (signature_equal(inventory->bases[i].signature, signature))
			return &inventory->bases[i];
	return NULL;
}
