# SPDX-License-Identifier: MIT
"""Load BTF blobs into the running kernel (BPF_BTF_LOAD, needs root) and
name the cause of a refusal the way btfkit does (its fault names, see
include/btfkit/validate.h). Used to make kernel_raw_tests.txt; the C test
tests/test_kernel_oracle.c does the same live."""
import ctypes
import os
import re
import struct

_libc = ctypes.CDLL(None, use_errno=True)
_SYS_BPF = 321          # x86_64
_BPF_BTF_LOAD = 18

# kernel log message (a part of the last log line) -> btfkit fault name;
# the first that matches wins, so longer phrases come first
MESSAGES = [
    ("Unsupported btf_header", "hdr-unsupported"),
    ("hdr_len not found", "hdr-truncated"), ("btf_header not found", "hdr-truncated"),
    ("Invalid magic", "magic"), ("Unsupported version", "version"),
    ("Unsupported flags", "flags"), ("No data", "no-data"),
    ("Invalid section offset", "section-offset"), ("Unsupported section found", "section-gap"),
    ("Section overlap found", "section-overlap"),
    ("Total section length too long", "section-length"),
    ("String section is not at the end", "str-not-last"),
    ("Invalid string section", "str-section"), ("Unaligned type_off", "type-align"),
    ("No type found", "no-types"), ("Exceeded max num of types", "too-many-types"),
    ("meta_left", "truncated"), ("Invalid btf_info kind_flag", "kflag"),
    ("Invalid btf_info size", "datasec-size"), ("Invalid btf_info", "info"),
    ("Invalid kind", "kind"), ("Invalid member name_offset", "name-offset"),
    ("Invalid name_offset", "name-offset"), ("vlen != 0", "vlen"),
    ("Invalid name", "name"), ("Invalid value", "name"),
    ("size != 0", "size"), ("size == 0", "size"), ("type != 0", "size"),
    ("Unexpected size", "size"), ("Invalid type_size", "size"),
    ("Invalid int_data", "int-bits"), ("nr_bits exceeds", "int-bits"),
    ("Unsupported encoding", "int-encoding"),
    ("Invalid elem", "array-elem"), ("Invalid array of int", "array-elem"),
    ("Invalid index", "array-index"), ("Array size overflows U32_MAX", "array-size"),
    ("Invalid member bits_offset", "member-offset"),
    ("Member bits_offset exceeds its struct size", "member-offset"),
    ("Member is not byte aligned", "member-offset"), ("Invalid member offset", "member-offset"),
    ("bits_offset exceeds U32_MAX", "member-offset"),
    ("Member is not properly aligned", "member-offset"),
    ("Member exceeds struct_size", "member-size"), ("nr_copy_bits exceeds 128", "member-size"),
    ("Invalid member bitfield_size", "bitfield"), ("Invalid member base type", "bitfield"),
    ("Invalid member", "member-type"), ("Unsupported check_member", "member-type"),
    ("Unsupported check_kflag_member", "member-type"),
    ("Invalid func linkage", "linkage"), ("Linkage not supported", "linkage"),
    ("Invalid return type", "return"), ("Invalid arg#", "param"),
    ("Not a VAR kind member", "datasec-var"), ("Invalid offset", "datasec-offset"),
    ("Invalid size", "datasec-size"),
    ("Invalid component_idx", "component-idx"), ("Loop detected", "loop"),
    ("Exceeded max resolving depth", "depth"),
    ("Type tags don't precede modifiers", "tag-order"), ("Max chain length", "chain"),
    ("Invalid resolve state", "resolve-state"),
]

def load(blob, log=True):
    """(errno, log text): errno 0 when the kernel took the blob."""
    data = ctypes.create_string_buffer(bytes(blob), max(len(blob), 1))
    size = 1 << 20
    logbuf = ctypes.create_string_buffer(size)
    attr = ctypes.create_string_buffer(128)
    struct.pack_into("QQIII", attr, 0, ctypes.addressof(data),
                     ctypes.addressof(logbuf) if log else 0, len(blob),
                     size if log else 0, 1 if log else 0)
    fd = _libc.syscall(_SYS_BPF, _BPF_BTF_LOAD, attr, 128)
    err = ctypes.get_errno() if fd < 0 else 0
    if fd >= 0:
        os.close(fd)
    return err, logbuf.value.decode("latin-1")

def cause(log):
    """(fault name, type id) of the kernel's refusal from its log."""
    lines = [l for l in log.split("\n") if l.strip()]
    if not lines:
        return None, 0
    last = lines[-1]
    fault = None
    elem = last.startswith("\t")
    for phrase, name in MESSAGES:
        if phrase in last:
            fault = name
            break
    if fault is None and "Invalid type_id" in last:
        fault = "type-id"
    if fault is None and "Invalid type" in last:
        fault = "datasec-var"
    if elem and fault in ("type-id", "size"):
        # an element's line: a member's or a DATASEC entry's
        is_vsi = re.match(r"\t type_id=\d+ offset=\d+ size=\d+", last)
        fault = ("datasec-var" if fault == "type-id" else "datasec-size") if is_vsi \
            else "member-type"
    tid = 0
    for l in reversed(lines):
        m = re.match(r"\[(\d+)\]", l)
        if m:
            tid = int(m.group(1))
            break
        if not l.startswith("\t"):
            break
    return fault, tid
