#!/usr/bin/env python3
"""Turns smbiosdump.efi's serial log into a fixture folder: one dmidecode --dump-bin file per entry point, and
a layout with the physical addresses the firmware used.

Usage: convert.py SERIAL_LOG OUT_DIR DESCRIPTION
"""
import os
import re
import sys

DUMP_TABLE_OFFSET = 32  # where dmidecode --dump-bin puts the table, after the entry point
FILES = {"SM3": "entry64.bin", "SM": "entry32.bin"}
KINDS = {"SM3": "64", "SM": "32"}


def checksum_byte(data, at, length):
    """The value for data[at] that makes data[0:length] sum to zero modulo 256."""
    data[at] = 0
    return (-sum(data[:length])) & 0xFF


def dump_bin(kind, entry, table):
    """The entry point as dmidecode --dump-bin writes it: table address 32, checksums fixed, table after it."""
    crafted = bytearray(entry) + bytes(max(0, DUMP_TABLE_OFFSET - len(entry)))
    if kind == "SM3":  # DSP0134 §5.2.2: the table address at 0x10, the checksum at 0x05 over the entry's length
        crafted[0x10:0x18] = DUMP_TABLE_OFFSET.to_bytes(8, "little")
        crafted[0x05] = checksum_byte(crafted, 0x05, entry[0x06])
    else:  # DSP0134 §5.2.1: the "_DMI_" part (0x10..0x1E) and the whole entry each sum to zero
        crafted[0x18:0x1C] = DUMP_TABLE_OFFSET.to_bytes(4, "little")
        intermediate = crafted[0x10:0x1F]
        intermediate[0x05] = checksum_byte(intermediate, 0x05, len(intermediate))
        crafted[0x10:0x1F] = intermediate
        crafted[0x04] = checksum_byte(crafted, 0x04, entry[0x05])
    return bytes(crafted[: len(entry)]) + bytes(DUMP_TABLE_OFFSET - len(entry)) + table


def main():
    log, out, description = sys.argv[1:4]
    with open(log, encoding="latin-1") as f:
        lines = [line.strip() for line in f]
    if "@@SMBIOS-CAPTURE END" not in lines:
        sys.exit("convert.py: no complete dump in " + log)
    lines = lines[lines.index("@@SMBIOS-CAPTURE BEGIN") + 1 : lines.index("@@SMBIOS-CAPTURE END")]
    entries, tables, current = {}, {}, None
    for line in lines:
        header = re.match(r"@@(ENTRY|TABLE|BADTABLE) (\w+) ([0-9a-fA-F]+) (\d+)$", line)
        if header:
            what, kind, address, _ = header.groups()
            current = (entries if what == "ENTRY" else tables).setdefault(kind, [int(address, 16), b""])
            if what == "BADTABLE":
                sys.exit(f"convert.py: the {kind} entry point names no usable table")
        elif re.fullmatch(r"[0-9a-f]+", line) and current is not None:
            current[1] += bytes.fromhex(line)
    if not entries:
        sys.exit("convert.py: the firmware published no SMBIOS entry point")
    os.makedirs(out, exist_ok=True)
    for name in FILES.values():
        if os.path.exists(os.path.join(out, name)):
            os.remove(os.path.join(out, name))
    with open(os.path.join(out, "layout"), "w") as layout:
        layout.write(f"# {description}\n")
        layout.write("# entry point bits, its physical address, its table's physical address, dump file\n")
        for kind in ("SM3", "SM"):
            if kind not in entries:
                continue
            entry_address, entry = entries[kind]
            table_address, table = tables[kind]
            with open(os.path.join(out, FILES[kind]), "wb") as f:
                f.write(dump_bin(kind, entry, table))
            layout.write(f"{KINDS[kind]} 0x{entry_address:x} 0x{table_address:x} {FILES[kind]}\n")
    with open(os.path.join(out, "layout")) as layout:
        sys.stdout.write(layout.read())


main()
