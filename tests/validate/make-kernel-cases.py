#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write kernel_raw_tests.txt from a dump of the kernel selftests' raw_tests[]
table (tools/testing/selftests/bpf/prog_tests/btf.c), with the verdict and
cause the running kernel gives (root: BPF_BTF_LOAD).

The dump is made by a throwaway C program (not kept: it compiles the
selftest's table) that prints each case as
    case N accept|reject / descr TEXT / kernel MSG (optional) / blob + hex lines
building each blob as the selftest's btf_raw_create() does (24-byte header,
NAME_TBD names given in string order, the header deltas applied).

usage: make-kernel-cases.py DUMP > kernel_raw_tests.txt"""
import sys

import kernel_log

def cases(path):
    c = None
    for line in open(path, encoding="latin-1"):
        line = line.rstrip("\n")
        if line.startswith("case "):
            _, n, verdict = line.split()
            c = {"n": int(n), "selftest": verdict, "blob": "", "msg": None}
        elif line.startswith("descr "):
            c["descr"] = line[6:]
        elif line.startswith("kernel "):
            c["msg"] = line[7:]
        elif line.startswith("  "):
            c["blob"] += line.strip()
        elif not line and c:
            yield c
            c = None
    if c:
        yield c

def main():
    print("# The kernel selftests' raw_tests[] (tools/testing/selftests/bpf/prog_tests/btf.c,")
    print("# Linux 6.12) as blobs, with the verdict and cause the 6.18 kernel gives them.")
    print("# Made by tests/validate/make-kernel-cases.py; read by tests/test_validate.c.")
    print("#   case N DESCRIPTION     the selftest's number and description")
    print("#   verdict accept|reject  the 6.18 kernel's (BPF_BTF_LOAD)")
    print("#   selftest accept|reject only where the selftest expects otherwise")
    print("#   cause FAULT ID         the kernel's cause as a btfkit fault name, and the type")
    print("#   log TEXT               the kernel's message (its last log line)")
    print("#   blob HEX...            the bytes, continued on indented lines")
    for c in cases(sys.argv[1]):
        blob = bytes.fromhex(c["blob"])
        err, log = kernel_log.load(blob)
        verdict = "reject" if err else "accept"
        print(f"\ncase {c['n']} {c['descr']}")
        print(f"verdict {verdict}")
        if verdict != c["selftest"]:
            print(f"selftest {c['selftest']}")
        if err:
            fault, tid = kernel_log.cause(log)
            last = [l for l in log.split("\n") if l.strip()][-1].strip() if log.strip() else ""
            print(f"cause {fault} {tid}")
            print(f"log {last}")
        print("blob")
        for i in range(0, len(blob), 32):
            print("  " + blob[i:i + 32].hex())

main()
