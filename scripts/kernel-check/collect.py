#!/usr/bin/env python3
"""Turns what a kernel-check guest sent on its data serial port into a saved run.

The guest (init.sh) sends files as "@@FILE path", base64 of the gzip-compressed bytes, "@@END path",
and "@@DONE status" at the end. This writes the saved-run layout of docs/kernel-check.md:
scenario.json, and per block capture/ (kpageflags and kpagecount xz-compressed), result.json,
dmesg.txt, ftrace.txt, plus the raw records the result was computed from (attempt.txt,
online.txt, vmstat-before, vmstat-after). Exits 1 with a message when the run is incomplete.
"""
import argparse
import base64
import datetime
import gzip
import io
import json
import lzma
import os
import re
import sys
import tarfile

ARRAYS = ("kpageflags", "kpagecount")
VMSTAT_KEYS = ("pgmigrate_success", "pgmigrate_fail", "thp_migration_success",
               "thp_migration_fail", "thp_migration_split")


def fail(message):
    print("kernel-check: " + message, file=sys.stderr)
    sys.exit(1)


def read_sections(path):
    """Yields (relative path, bytes) for every complete file, and returns the @@DONE status."""
    files, status, current, chunks = {}, None, None, []
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("ascii", "replace").strip().replace("\r", "")
            if line.startswith("@@FILE "):
                current, chunks = line[7:], []
            elif line.startswith("@@END "):
                if current is None or line[6:] != current:
                    fail(f"{path}: @@END {line[6:]} without its @@FILE")
                try:
                    files[current] = gzip.decompress(base64.b64decode("".join(chunks)))
                except Exception as error:  # a damaged transfer must not become a fixture
                    fail(f"{path}: {current}: cannot decode: {error}")
                current = None
            elif line.startswith("@@DONE "):
                status = line[7:]
            elif current is not None:
                chunks.append(line)
    return files, status


def key_values(text):
    """'a=1 b=x' lines (several per line allowed) into a dict of strings."""
    values = {}
    for line in text.splitlines():
        for match in re.finditer(r"(\w+)=(\S*)", line):
            values.setdefault(match.group(1), match.group(2))
    return values


def vmstat(text):
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            out[parts[0]] = int(parts[1])
    return out


def migrate_pages_calls(ftrace):
    """The fields of every mm_migrate_pages event, in order."""
    calls = []
    for line in ftrace.splitlines():
        if "mm_migrate_pages:" not in line:
            continue
        fields = dict(re.findall(r"(\w+)=(\S+)", line.split("mm_migrate_pages:", 1)[1]))
        call = {}
        for key, value in fields.items():
            name = key[3:] if key.startswith("nr_") else key
            call[name] = int(value) if value.isdigit() else value
        calls.append(call)
    return calls


def traced_calls(ftrace):
    """The traced function names in the order the kernel called them (events left out)."""
    names = []
    for line in ftrace.splitlines():
        if line.startswith("#"):
            continue
        match = re.search(r"\]\s+\S+\s+[\d.]+:\s+([\w.]+) <-", line)
        if match:
            names.append(re.sub(r"\.(isra|constprop|part|cold)\.\d+", "", match.group(1)))
    return names


def result_json(result):
    """One key a line; each migrate_pages call on a line of its own, so that long runs stay small."""
    lines = []
    for key, value in result.items():
        if key == "migrate_pages_calls" and value:
            inner = ",\n".join("  " + json.dumps(call) for call in value)
            lines.append(f' "{key}": [\n{inner}\n ]')
        else:
            lines.append(f" {json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def block_result(number, files, capture_dir, timeout):
    prefix = f"blocks/memory{number}/"
    attempt = key_values(files[prefix + "attempt.txt"].decode())
    sysdir = os.path.join(capture_dir, "sys/devices/system/memory")
    with open(os.path.join(sysdir, "block_size_bytes")) as f:
        block_bytes = int(f.read().strip(), 16)
    with open(os.path.join(sysdir, f"memory{number}", "valid_zones")) as f:
        valid_zones = f.read().strip()
    with open(os.path.join(sysdir, f"memory{number}", "state")) as f:
        state_before = f.read().strip()
    before = vmstat(files[prefix + "vmstat-before"].decode())
    after = vmstat(files[prefix + "vmstat-after"].decode())
    dmesg = files.get(prefix + "dmesg.txt", b"").decode("utf-8", "replace")
    reason = re.search(r"failed due to (.+?)\s*$", dmesg, re.M)
    ftrace = files.get(prefix + "ftrace.txt", b"").decode("utf-8", "replace")
    result = {
        "block": number,
        "start_pfn": number * block_bytes // 4096,
        "zone": None if valid_zones == "none" or " " in valid_zones else valid_zones,
        "valid_zones": valid_zones,
        "state_before": state_before,
        "outcome": "offlined" if attempt.get("state_after") == "offline" else "failed",
        "errno": None if attempt.get("errno") in (None, "none") else attempt["errno"],
        "reason": reason.group(1) if reason else None,
        "elapsed_ms": int(attempt["elapsed_ms"]),
        "timeout_s": timeout,
        "signalled": attempt.get("signalled") == "1",
    }
    for key in VMSTAT_KEYS:
        if key in before and key in after:
            result[key] = after[key] - before[key]
    online = files.get(prefix + "online.txt")
    if online is not None:
        values = key_values(online.decode())
        result["onlined_again"] = values.get("how") if values.get("state_after") == "online" else None
        result["online_errno"] = None if values.get("errno") in (None, "none") else values["errno"]
    else:
        result["onlined_again"] = None
        result["online_errno"] = None
    if prefix + "ftrace.txt" in files:
        result["migrate_pages_calls"] = migrate_pages_calls(ftrace)
        result["ftrace_calls"] = traced_calls(ftrace)
        entries = re.search(r"entries-in-buffer/entries-written: (\d+)/(\d+)", ftrace)
        result["ftrace_complete"] = bool(entries) and entries.group(1) == entries.group(2)
    return result


def main():
    p = argparse.ArgumentParser()
    for name in ("data", "dest", "name", "description", "below4g", "dimm", "cmdline", "kernel-package", "qemu"):
        p.add_argument("--" + name, required=True)
    for name in ("memory", "nodes", "cpus", "thp", "nothp", "shmem", "mlock", "files", "filekib",
                 "timeout", "wall"):
        p.add_argument("--" + name, required=True, type=int)
    args = p.parse_args()

    files, status = read_sections(args.data)
    if status != "ok":
        fail(f"{args.name}: the guest did not finish (status {status!r}; {len(files)} files received)")

    blocks = [int(n) for n in files["guest/blocks.txt"].decode().split()]
    attempted = [n for n in blocks if f"blocks/memory{n}/attempt.txt" in files]
    if not attempted:
        fail(f"{args.name}: no block was attempted")
    for n in attempted:
        prefix = f"blocks/memory{n}/"
        capture = os.path.join(args.dest, prefix, "capture")
        tar = files.get(prefix + "capture.tar")
        if tar is None:
            fail(f"{args.name}: memory{n}: no capture")
        with tarfile.open(fileobj=io.BytesIO(tar)) as archive:
            for member in archive.getmembers():
                if member.name.startswith("/") or ".." in member.name.split("/") or not (member.isdir() or member.isfile()):
                    fail(f"{args.name}: memory{n}: unexpected entry {member.name} in the capture")
            archive.extractall(capture)
        for array in ARRAYS:
            data = files.get(f"{prefix}capture/proc/{array}")
            if not data:
                fail(f"{args.name}: memory{n}: no {array}")
            write(os.path.join(capture, "proc", array + ".xz"), lzma.compress(data, preset=9))
        for name in ("dmesg.txt", "ftrace.txt", "attempt.txt", "online.txt", "vmstat-before", "vmstat-after"):
            if prefix + name in files:
                write(os.path.join(args.dest, prefix, name), files[prefix + name])
        result = block_result(n, files, capture, args.timeout)
        write(os.path.join(args.dest, prefix, "result.json"), result_json(result))

    def lines(path):
        return files.get(path, b"").decode().split()

    scenario = {
        "name": args.name,
        "description": args.description,
        "memory_mib": args.memory,
        "nodes": args.nodes,
        "cpus": args.cpus,
        "max_ram_below_4g_mib": None if args.below4g == "-" else int(args.below4g),
        "dimm_mib": None if args.dimm == "-" else int(args.dimm),
        "cmdline": files.get("guest/cmdline", args.cmdline.encode()).decode().strip(),
        "workload": {"thp_mib": args.thp, "nothp_mib": args.nothp, "shmem_mib": args.shmem,
                     "mlock_mib": args.mlock, "files": args.files, "file_kib": args.filekib},
        "kernel_release": files["guest/kernel-release"].decode().strip(),
        "kernel_package": args.kernel_package,
        "qemu": args.qemu,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "timeout_s": args.timeout,
        "wall_s": args.wall,
        "blocks": blocks,
        "blocks_attempted": attempted,
        "traced_functions": lines("guest/trace-traced.txt"),
        "untraceable_functions": lines("guest/trace-untraceable.txt"),
        "workload_ready": files.get("guest/workload.txt", b"").decode().strip(),
    }
    write(os.path.join(args.dest, "scenario.json"), json.dumps(scenario, indent=1) + "\n")
    if "guest/meminfo-loaded" in files:
        write(os.path.join(args.dest, "meminfo-loaded"), files["guest/meminfo-loaded"])
    offlined = sum(1 for n in attempted
                   if json.load(open(os.path.join(args.dest, f"blocks/memory{n}/result.json")))["outcome"] == "offlined")
    print(f"kernel-check: {args.name}: {len(attempted)} blocks attempted, {offlined} offlined")


if __name__ == "__main__":
    main()
