#!/usr/bin/env python3
"""Writes helm/wattkeeper/values.schema.json from values.yaml: every key typed, no unknown keys.

Run after adding a value: python3 scripts/chart-values-schema.py (ValuesSchemaTest and the chart
tests fail on a value the schema does not know). Free-form maps (resources, selectors, security
contexts, labels) and a few enums and durations are named below.
"""
import json
import pathlib

import yaml

CHART = pathlib.Path(__file__).resolve().parent.parent / "helm" / "wattkeeper"
FREE = {"nodeSelector", "affinity", "resources", "podSecurityContext", "securityContext", "labels",
        "issuerRef", "scraperNamespaceSelector", "scraperPodSelector"}
ENUMS = {("image", "pullPolicy"): ["Always", "IfNotPresent", "Never"],
         ("operator", "antiAffinity"): ["preferred", "required", "none"]}
DURATIONS = {"annotationInterval", "sampleInterval", "reportInterval", "leaseDuration",
             "renewDeadline", "retryPeriod", "interval", "wakeTimeout", "retryAfter"}
PORTS = {"port", "metricsPort", "portRangeStart", "portRangeEnd"}


def schema(val, path):
    key = path[-1] if path else None
    if key in FREE:
        return {"type": "object"}
    if tuple(path[-2:]) in ENUMS:
        return {"type": "string", "enum": ENUMS[tuple(path[-2:])]}
    if isinstance(val, bool):
        return {"type": "boolean"}
    if key == "pue":
        return {"type": "number", "minimum": 1}
    if isinstance(val, int):
        if key in PORTS:
            return {"type": "integer", "minimum": 1, "maximum": 65535}
        return {"type": "integer", "minimum": 0}
    if isinstance(val, float):
        s = {"type": "number", "minimum": 0}
        if key.endswith("Ratio"):
            s["maximum"] = 1
        return s
    if isinstance(val, str):
        if key in DURATIONS:
            return {"type": "string", "pattern": "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$"}
        return {"type": "string"}
    if isinstance(val, list):
        if key == "tolerations":
            return {"type": "array", "items": {"type": "object"}}
        if key == "imagePullSecrets":
            return {"type": "array", "items": {"type": "object", "required": ["name"],
                                               "properties": {"name": {"type": "string"}}}}
        return {"type": "array", "items": {"type": "string"}}
    if isinstance(val, dict):
        return {"type": "object", "additionalProperties": False,
                "properties": {k: schema(x, path + [k]) for k, x in val.items()}}
    return {}


values = yaml.safe_load((CHART / "values.yaml").read_text())
out = {"$schema": "http://json-schema.org/draft-07/schema#", "title": "Wattkeeper chart values",
       **schema(values, [])}
(CHART / "values.schema.json").write_text(json.dumps(out, indent=2) + "\n")
