/* The SBAT metadata that shim 15.3 and later read from the .sbat section of every image they load. */

/*
 * tscprobe's SBAT generation: shim refuses this binary once the SbatLevel revocation list names
 * tscprobe with a higher number. Raise it by one with the fix of a flaw that lets a signed tscprobe
 * undermine Secure Boot, so that lists can revoke every older signed build at once; never otherwise
 * (docs/hypervisors/secure-boot.md).
 */
#define TSCPROBE_SBAT_GENERATION "1"

/* Where to look the component up; the project has no public address yet, so its source tree's page. */
#define TSCPROBE_SBAT_URL "docs/hypervisors/secure-boot.md"

/*
 * One CSV line per component: name, generation, vendor, package, version, URL (shim's SBAT.md).
 * The first line is the format's own, as shim requires; the version is the one the app prints.
 * The section must stay in the binary although nothing refers to it. GNU-EFI's linker script has no
 * rule for it, so ld places it as an orphan after its read-only sections; page-aligned, because a PE
 * section starts on a page (objcopy -j .sbat in the Makefile carries it into the PE).
 */
__attribute__((section(".sbat"), used, aligned(4096))) static const char sbat[] =
	"sbat,1,SBAT Version,sbat,1,https://github.com/rhboot/shim/blob/main/SBAT.md\n"
	"tscprobe," TSCPROBE_SBAT_GENERATION ",tscprobe,tscprobe," TSCPROBE_VERSION "," TSCPROBE_SBAT_URL "\n";
