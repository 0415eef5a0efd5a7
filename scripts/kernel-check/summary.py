#!/usr/bin/env python3
"""Prints what the kernel did in saved kernel-check runs, as a Markdown table, and checks them.

    scripts/kernel-check/summary.py DIR [--check]

DIR holds saved runs (DIR/<scenario>/scenario.json) or is one run. With --check, exits 1 with a
message naming the block when a run has no attempted block, or a block has no result.json, no
outcome, or no capture (CI uses this so that a broken harness cannot pass quietly).
"""
import json
import os
import sys

REQUIRED_CAPTURE = ("proc/zoneinfo", "proc/vmstat", "proc/iomem", "proc/kpageflags.xz",
                    "proc/kpagecount.xz", "sys/devices/system/memory/block_size_bytes")


def runs_in(path):
    if os.path.exists(os.path.join(path, "scenario.json")):
        return [path]
    return sorted(os.path.join(path, name) for name in os.listdir(path)
                  if os.path.exists(os.path.join(path, name, "scenario.json")))


def check(run):
    problems = []
    with open(os.path.join(run, "scenario.json")) as f:
        scenario = json.load(f)
    attempted = scenario.get("blocks_attempted") or []
    if not attempted:
        problems.append(f"{run}: no block attempted")
    for n in attempted:
        block = os.path.join(run, "blocks", f"memory{n}")
        try:
            with open(os.path.join(block, "result.json")) as f:
                result = json.load(f)
        except (OSError, ValueError) as error:
            problems.append(f"{block}: no readable result.json ({error})")
            continue
        if result.get("outcome") not in ("offlined", "failed"):
            problems.append(f"{block}: result.json has no outcome")
        if result.get("outcome") == "failed" and not result.get("errno"):
            problems.append(f"{block}: failed without an errno")
        for name in REQUIRED_CAPTURE:
            if not os.path.exists(os.path.join(block, "capture", name)):
                problems.append(f"{block}: capture/{name} is missing")
    return problems


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        print(__doc__.strip(), file=sys.stderr)
        sys.exit(2)
    runs = runs_in(args[0])
    if not runs:
        print(f"kernel-check: no saved run under {args[0]}", file=sys.stderr)
        sys.exit(1)
    print("| scenario | block | zone | kernel outcome | errno | reason | pgmigrate success / fail | "
          "thp migrated / split | migrate_pages calls | elapsed ms |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    problems = []
    for run in runs:
        problems += check(run)
        with open(os.path.join(run, "scenario.json")) as f:
            scenario = json.load(f)
        for n in scenario.get("blocks_attempted") or []:
            try:
                with open(os.path.join(run, "blocks", f"memory{n}", "result.json")) as f:
                    r = json.load(f)
            except (OSError, ValueError):
                continue
            signal = " (signal)" if r.get("signalled") else ""
            print(f"| {scenario['name']} | {n} | {r.get('zone') or r.get('valid_zones')} | "
                  f"{r.get('outcome')} | {r.get('errno') or '-'} | {r.get('reason') or '-'} | "
                  f"{r.get('pgmigrate_success', '?')} / {r.get('pgmigrate_fail', '?')} | "
                  f"{r.get('thp_migration_success', '?')} / {r.get('thp_migration_split', '?')} | "
                  f"{len(r.get('migrate_pages_calls') or [])} | {r.get('elapsed_ms')}{signal} |")
    if "--check" in sys.argv:
        for problem in problems:
            print("kernel-check: " + problem, file=sys.stderr)
        if problems:
            sys.exit(1)


if __name__ == "__main__":
    main()
