#!/usr/bin/env python3
"""Derives Wattkeeper's built-in carbon-intensity table from the public data sets.

Usage: scripts/derive-carbon-table.py <data-dir> > crds/src/main/resources/io/wattkeeper/api/carbon/carbon-intensity.csv

<data-dir> holds codecarbon-global_energy_mix.json, codecarbon-cloud-impact.csv and
ccf-grid-emissions-factors-{aws,azure,gcp}.csv (see NOTICE for sources and licences).
Output columns: zone,kind,gramsPerKWh,year,source
  zone   ISO 3166 alpha-2 country code, or a cloud region as Kubernetes nodes label it
         (topology.kubernetes.io/region: us-east-1, europe-west4, westeurope)
  kind   country | aws | gcp | azure
  year   the data year where the source states it, else empty (reported as "year not stated")
Precedence: GCP regions from CodeCarbon's cloud-impact.csv (Google's published figures), then
CCF's GCP table for the rest; AWS and Azure from CCF. A few CCF Azure values lack their leading
"0." (e.g. "000402"); they are read as 0.000402 t/kWh and their source says so.
The output is deterministic (sorted), so re-running it must give the committed file unchanged.
"""
import csv, json, sys, os

ISO3_TO_2 = {}
def load_iso():
    # The JSON's iso_code is alpha-3; iso3166-alpha3-to-alpha2.csv (next to this script, written
    # from the JDK's java.util.Locale table) maps it to the alpha-2 codes users write.
    path = os.path.join(os.path.dirname(__file__), "iso3166-alpha3-to-alpha2.csv")
    with open(path) as f:
        for row in csv.reader(f):
            ISO3_TO_2[row[0]] = row[1]

def main(d):
    load_iso()
    rows = {}
    mix = json.load(open(os.path.join(d, "codecarbon-global_energy_mix.json")))
    for a3, v in sorted(mix.items()):
        a2 = ISO3_TO_2.get(a3)
        ci = v.get("carbon_intensity")
        if not a2 or ci is None:
            continue
        rows[a2] = (a2, "country", round(float(ci), 1), v.get("year", ""),
                    "Ember/Our World in Data via CodeCarbon global_energy_mix.json (lifecycle)")
    with open(os.path.join(d, "codecarbon-cloud-impact.csv"), encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            if r["provider"] == "gcp":
                rows[r["region"]] = (r["region"], "gcp", round(float(r["impact"]), 1), "",
                                     "Google Cloud region carbon data via CodeCarbon cloud-impact.csv")
    for kind in ("gcp", "aws", "azure"):
        with open(os.path.join(d, f"ccf-grid-emissions-factors-{kind}.csv")) as f:
            for r in csv.DictReader(f):
                region = r["Region"].strip()
                if kind == "azure":
                    region = region.lower().replace(" ", "")
                if region in rows:
                    continue
                raw = r["CO2e (metric ton/kWh)"].strip()
                note = ""
                if "." not in raw:
                    raw = "0." + raw
                    note = "; value repaired (source lacked its leading 0.)"
                grams = round(float(raw) * 1e6, 1)
                rows[region] = (region, kind, grams, "",
                                f"Cloud Carbon Footprint {kind} coefficients ({r['Source'].strip()}){note}")
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["zone", "kind", "gramsPerKWh", "year", "source"])
    for k in sorted(rows):
        w.writerow(rows[k])

if __name__ == "__main__":
    main(sys.argv[1])
