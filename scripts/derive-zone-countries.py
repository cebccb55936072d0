#!/usr/bin/env python3
"""Derives measure's zone -> country table (CodeCarbon's country_iso_code/country_name/region).

Usage: scripts/derive-zone-countries.py <data-dir> \
         > node-agent/src/main/resources/io/wattkeeper/agent/cli/zone-countries.csv

Output columns: zone,alpha3,country_name,region, one row per zone of the built-in carbon table
(crds/.../carbon-intensity.csv) plus "world" (the world average).
  countries  alpha-3 and name as CodeCarbon writes them offline: the key and "country_name" of
             its global_energy_mix.json (alpha-2 -> alpha-3 from iso3166-alpha3-to-alpha2.csv)
  gcp        CodeCarbon's cloud-impact.csv: countryIsoCode, country_name, state else city, the
             columns its get_cloud_country_iso_code/_name/_geo_region return
  aws/azure  not in CodeCarbon's data: the provider's published region location (AWS "Regions
             and Availability Zones", Azure "Azure geographies"), below; the name from
             global_energy_mix.json
  world      WLD / World (the World Bank's aggregate code): CodeCarbon never writes a world row
             (it falls back to a country), and an empty code breaks its carbonboard
The output is sorted and deterministic.
"""
import csv, json, os, sys

AWS_AZURE = {
    # AWS
    "af-south-1": ("ZAF", "Cape Town"), "ap-east-1": ("HKG", "Hong Kong"),
    "ap-northeast-1": ("JPN", "Tokyo"), "ap-northeast-2": ("KOR", "Seoul"),
    "ap-northeast-3": ("JPN", "Osaka"), "ap-south-1": ("IND", "Mumbai"),
    "ap-southeast-1": ("SGP", "Singapore"), "ap-southeast-2": ("AUS", "Sydney"),
    "ca-central-1": ("CAN", "Quebec"), "cn-north-1": ("CHN", "Beijing"),
    "cn-northwest-1": ("CHN", "Ningxia"), "eu-central-1": ("DEU", "Frankfurt"),
    "eu-north-1": ("SWE", "Stockholm"), "eu-south-1": ("ITA", "Milan"),
    "eu-west-1": ("IRL", "Dublin"), "eu-west-2": ("GBR", "London"),
    "eu-west-3": ("FRA", "Paris"), "me-south-1": ("BHR", "Bahrain"),
    "sa-east-1": ("BRA", "Sao Paulo"), "us-east-1": ("USA", "Virginia"),
    "us-east-2": ("USA", "Ohio"), "us-gov-east-1": ("USA", "Ohio"),
    "us-gov-west-1": ("USA", "Oregon"), "us-west-1": ("USA", "California"),
    "us-west-2": ("USA", "Oregon"),
    # Azure
    "belgiumcentral": ("BEL", "Brussels"), "centralindia": ("IND", "Pune"),
    "centralus": ("USA", "Iowa"), "eastasia": ("HKG", "Hong Kong"),
    "eastus": ("USA", "Virginia"), "eastus2": ("USA", "Virginia"),
    "eastus3": ("USA", "Georgia"), "finlandcentral": ("FIN", "Helsinki"),
    "francecentral": ("FRA", "Paris"), "germanywestcentral": ("DEU", "Frankfurt"),
    "northcentralus": ("USA", "Illinois"), "northeurope": ("IRL", "Dublin"),
    "southcentralus": ("USA", "Texas"), "southeastasia": ("SGP", "Singapore"),
    "southindia": ("IND", "Chennai"), "swedencentral": ("SWE", "Gavle"),
    "uksouth": ("GBR", "London"), "ukwest": ("GBR", "Cardiff"),
    "westcentralus": ("USA", "Wyoming"), "westeurope": ("NLD", "Netherlands"),
    "westindia": ("IND", "Mumbai"), "westus": ("USA", "California"),
    "westus2": ("USA", "Washington"), "westus3": ("USA", "Arizona"),
}


def main(d):
    here = os.path.dirname(os.path.abspath(__file__))
    a2_to_a3 = {}
    with open(os.path.join(here, "iso3166-alpha3-to-alpha2.csv")) as f:
        for a3, a2 in csv.reader(f):
            a2_to_a3[a2] = a3
    mix = json.load(open(os.path.join(d, "codecarbon-global_energy_mix.json")))
    with open(os.path.join(d, "codecarbon-cloud-impact.csv"), encoding="utf-8-sig") as f:
        gcp = {r["region"]: r for r in csv.DictReader(f) if r["provider"] == "gcp"}
    table = os.path.join(here, "..", "crds", "src", "main", "resources", "io", "wattkeeper",
                         "api", "carbon", "carbon-intensity.csv")
    out = {"world": ("WLD", "World", "")}
    with open(table) as f:
        for r in csv.DictReader(f):
            zone, kind = r["zone"], r["kind"]
            if kind == "country":
                a3 = a2_to_a3[zone]
                out[zone] = (a3, mix[a3]["country_name"], "")
            elif kind == "gcp" and zone in gcp:
                g = gcp[zone]
                out[zone] = (g["countryIsoCode"], g["country_name"], g["state"] or g["city"])
            elif zone in AWS_AZURE:
                a3, place = AWS_AZURE[zone]
                out[zone] = (a3, mix[a3]["country_name"], place)
            else:
                sys.exit(f"no country for {kind} zone {zone}: add it to AWS_AZURE")
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["zone", "alpha3", "country_name", "region"])
    for zone in sorted(out):
        w.writerow([zone, *out[zone]])


if __name__ == "__main__":
    main(sys.argv[1])
