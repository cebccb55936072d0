#!/usr/bin/env python3
"""Reads and appends measure's emissions.csv with CodeCarbon's own code and pandas (a manual
check, not part of CI: CI has no Python packages).

Usage: scripts/codecarbon-crosscheck.py <codecarbon-checkout> <out-dir>
  <codecarbon-checkout>  a checkout of github.com/mlco2/codecarbon (only its
                         codecarbon/output_methods/{emissions_data,base_output,file}.py and the
                         backup() of codecarbon/core/util.py are loaded; nothing is installed)
  <out-dir>              an empty folder; measure writes its rows there
Needs pandas and a built ./wattkeeper (./mvnw -B -ntp package -DskipTests).

What it checks:
  1. three rows by measure (a country, a GCP region with a PUE, a --duration watch) load with
     pandas.read_csv, keep EmissionsData's column list, build EmissionsData(**row), and
     compute_delta_emission works between two of them; carbonboard's country_iso_code.upper();
  2. CodeCarbon's FileOutput appends to measure's file with no backup (same header);
  3. measure appends after CodeCarbon's row; every line has 38 fields, all rows load again.
"""
import dataclasses
import os
import shutil
import subprocess
import sys
import tempfile

cc_checkout, out = sys.argv[1], os.path.abspath(sys.argv[2])
here = os.path.dirname(os.path.abspath(__file__))
launcher = os.path.join(here, "..", "wattkeeper")

# A minimal codecarbon package from the checkout: the output code only, no psutil/requests.
pkg = tempfile.mkdtemp()
for sub in ("", "output_methods", "core", "external"):
    os.makedirs(os.path.join(pkg, "codecarbon", sub), exist_ok=True)
    open(os.path.join(pkg, "codecarbon", sub, "__init__.py"), "w").close()
for f in ("emissions_data.py", "base_output.py", "file.py"):
    shutil.copy(os.path.join(cc_checkout, "codecarbon", "output_methods", f),
                os.path.join(pkg, "codecarbon", "output_methods", f))
with open(os.path.join(pkg, "codecarbon", "external", "logger.py"), "w") as w:
    w.write('import logging\nlogger = logging.getLogger("codecarbon")\n')
util = open(os.path.join(cc_checkout, "codecarbon", "core", "util.py")).read()
backup = util[util.index("def backup"):util.index("file_path.rename(backup_path)")]
with open(os.path.join(pkg, "codecarbon", "core", "util.py"), "w") as w:
    w.write("from pathlib import Path\nfrom typing import Optional, Union\n"
            "def resolve_path(p):\n    return Path(p).expanduser().resolve()\n\n"
            + backup + "file_path.rename(backup_path)\n")
sys.path.insert(0, pkg)

import pandas as pd  # noqa: E402
from codecarbon.output_methods.emissions_data import EmissionsData  # noqa: E402
from codecarbon.output_methods.file import FileOutput  # noqa: E402

csv_path = os.path.join(out, "emissions.csv")


def measure(*args):
    r = subprocess.run([launcher, "measure", "--output-dir", out, *args],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr


measure("--zone", "FRA", "--", "true")
measure("--zone", "europe-west4", "--pue", "1.2", "--", "sleep", "0.3")
measure("--duration", "1s", "--interval", "200ms")
fields = [f.name for f in dataclasses.fields(EmissionsData)]
df = pd.read_csv(csv_path)
assert list(df.columns) == fields, list(df.columns)
rows = [EmissionsData(**r) for r in df.to_dict("records")]
for r in rows:
    print(r.country_iso_code.upper(), r.country_name, r.cloud_region, r.tracking_mode,
          "ram_total_size", r.ram_total_size, "ram_used_gb", r.ram_used_gb, r.timestamp)
delta = dataclasses.replace(rows[1])
delta.compute_delta_emission(rows[0])
print("compute_delta_emission: duration", delta.duration, "emissions_rate", delta.emissions_rate)

# CodeCarbon appends one row (its str columns are "" where unset, as its tracker writes them).
first = {k: ("" if isinstance(v, float) and v != v else v)
         for k, v in df.to_dict("records")[0].items()}
cc_row = EmissionsData(**first)
cc_row.run_id = "codecarbon-row"
FileOutput("emissions.csv", out).out(cc_row, None)
measure("--", "true")

files = sorted(os.listdir(out))
assert files == ["emissions.csv"], files
with open(csv_path) as f:
    widths = {line.count(",") + 1 for line in f}  # no quoted commas in these rows
assert widths == {38}, widths
df = pd.read_csv(csv_path)
assert len(df) == 5 and list(df.columns) == fields
for r in df.to_dict("records"):
    EmissionsData(**r)
print("pandas", pd.__version__, "- 5 rows (4 by measure, 1 by CodeCarbon's FileOutput), "
      "38 fields each, no backup: OK")
