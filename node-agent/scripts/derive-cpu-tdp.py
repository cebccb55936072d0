#!/usr/bin/env python3
"""Derives the agent's CPU TDP table from CodeCarbon's cpu_power.csv.

Usage: scripts/derive-cpu-tdp.py <path to codecarbon cpu_power.csv>
Writes src/main/resources/io/wattkeeper/agent/measure/cpu-tdp.csv: one `name,tdp_watts` row per
model, names with whitespace collapsed, quotes and commas removed, TDP as a plain number, rows
sorted and de-duplicated (first TDP wins on a duplicate name). Rerun it and `git diff` to check
that the committed table is what the source gives.
"""
import csv
import os
import re
import sys

src = sys.argv[1]
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "main", "resources",
                   "io", "wattkeeper", "agent", "measure", "cpu-tdp.csv")
rows = {}
with open(src, newline="", encoding="utf-8") as f:
    reader = csv.reader(f)
    header = next(reader)
    assert header[:2] == ["Name", "TDP"], header
    for rec in reader:
        if len(rec) < 2:
            continue
        name = re.sub(r"\s+", " ", rec[0].replace(",", " ")).strip()
        try:
            tdp = float(rec[1])
        except ValueError:
            continue
        if not name or tdp <= 0:
            continue
        rows.setdefault(name, tdp)
with open(out, "w", encoding="utf-8", newline="\n") as f:
    f.write("# Derived from CodeCarbon data/hardware/cpu_power.csv (MIT, (c) 2019 Mila, BCG Gamma,\n")
    f.write("# CometML, Haverford College) by node-agent/scripts/derive-cpu-tdp.py. Do not edit.\n")
    f.write("name,tdp_watts\n")
    for name in sorted(rows):
        tdp = rows[name]
        f.write("%s,%s\n" % (name, ("%d" % tdp) if tdp == int(tdp) else ("%g" % tdp)))
print("%d models written to %s" % (len(rows), os.path.normpath(out)))
