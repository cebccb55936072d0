#!/usr/bin/env python3
"""Writes helm/wattkeeper/values.schema.json from values.yaml: every key typed, no unknown keys.

Run after adding a value: python3 scripts/chart-values-schema.py (ValuesSchemaTest and the chart
tests fail on a value the schema does not know). Kubernetes-shaped values (resources, selectors,
security contexts, affinity, tolerations, labels) get closed definitions; a few enums and durations
are named below.
"""
import json
import pathlib

import yaml

CHART = pathlib.Path(__file__).resolve().parent.parent / "helm" / "wattkeeper"
# Kubernetes-shaped values: closed at their top level (and below where the shape is small), so a
# typo such as resources.limts fails instead of being dropped.
STRMAP = {"type": "object", "additionalProperties": {"type": "string"}}
QUANTITIES = {"type": "object", "additionalProperties": {"type": ["string", "number"]}}
OBJ = {"type": "object"}


def closed(props, **extra):
    return {"type": "object", "additionalProperties": False, **extra, "properties": props}


def typed(names, objects=(), booleans=(), integers=(), arrays=()):
    return {n: OBJ if n in objects else {"type": "boolean"} if n in booleans
            else {"type": "integer"} if n in integers else {"type": "array"} if n in arrays
            else {"type": "string"} for n in names}


DEFINITIONS = {
    "resources": closed({"requests": QUANTITIES, "limits": QUANTITIES,
                         "claims": {"type": "array", "items": closed(
                             {"name": {"type": "string"}, "request": {"type": "string"}},
                             required=["name"])}},
                        description="Kubernetes ResourceRequirements"),
    "stringMap": STRMAP,
    "toleration": closed({"key": {"type": "string"},
                          "operator": {"type": "string", "enum": ["", "Exists", "Equal"]},
                          "value": {"type": "string"},
                          "effect": {"type": "string",
                                     "enum": ["", "NoSchedule", "PreferNoSchedule", "NoExecute"]},
                          "tolerationSeconds": {"type": ["integer", "null"]}}),
    "securityContext": closed(typed(
        ["allowPrivilegeEscalation", "appArmorProfile", "capabilities", "privileged", "procMount",
         "readOnlyRootFilesystem", "runAsGroup", "runAsNonRoot", "runAsUser", "seLinuxOptions",
         "seccompProfile", "windowsOptions"],
        objects={"capabilities", "seLinuxOptions", "seccompProfile", "windowsOptions",
                 "appArmorProfile"},
        booleans={"allowPrivilegeEscalation", "privileged", "readOnlyRootFilesystem",
                  "runAsNonRoot"},
        integers={"runAsUser", "runAsGroup"}), description="Kubernetes SecurityContext (container)"),
    "podSecurityContext": closed(typed(
        ["appArmorProfile", "fsGroup", "fsGroupChangePolicy", "runAsGroup", "runAsNonRoot",
         "runAsUser", "seLinuxChangePolicy", "seLinuxOptions", "seccompProfile",
         "supplementalGroups", "supplementalGroupsPolicy", "sysctls", "windowsOptions"],
        objects={"seLinuxOptions", "seccompProfile", "windowsOptions", "appArmorProfile"},
        booleans={"runAsNonRoot"}, integers={"runAsUser", "runAsGroup", "fsGroup"},
        arrays={"supplementalGroups", "sysctls"}), description="Kubernetes PodSecurityContext"),
    "affinity": closed({"nodeAffinity": OBJ, "podAffinity": OBJ, "podAntiAffinity": OBJ},
                       description="Kubernetes Affinity"),
    "labelSelector": closed({"matchLabels": STRMAP, "matchExpressions": {
        "type": "array", "items": closed(
            {"key": {"type": "string"},
             "operator": {"type": "string", "enum": ["In", "NotIn", "Exists", "DoesNotExist"]},
             "values": {"type": "array", "items": {"type": "string"}}},
            required=["key", "operator"])}}),
}
REFS = {"resources": "resources", "nodeSelector": "stringMap", "labels": "stringMap",
        "affinity": "affinity", "podSecurityContext": "podSecurityContext",
        "securityContext": "securityContext", "scraperNamespaceSelector": "labelSelector",
        "scraperPodSelector": "labelSelector"}
ENUMS = {("image", "pullPolicy"): ["Always", "IfNotPresent", "Never"],
         ("operator", "antiAffinity"): ["preferred", "required", "none"]}
DURATIONS = {"annotationInterval", "sampleInterval", "reportInterval", "leaseDuration",
             "renewDeadline", "retryPeriod", "interval", "wakeTimeout", "retryAfter"}
PORTS = {"port", "metricsPort", "portRangeStart", "portRangeEnd"}
# Written as whole numbers in values.yaml, but a fraction is meaningful.
NUMBERS = {"reportBytesPerSecond"}


def schema(val, path):
    key = path[-1] if path else None
    if key in REFS:
        return {"$ref": "#/definitions/" + REFS[key]}
    if key == "issuerRef":
        return closed({"name": {"type": "string"}, "kind": {"type": "string"},
                       "group": {"type": "string"}})
    if tuple(path[-2:]) in ENUMS:
        return {"type": "string", "enum": ENUMS[tuple(path[-2:])]}
    if isinstance(val, bool):
        return {"type": "boolean"}
    if key == "pue":
        return {"type": "number", "minimum": 1}
    if isinstance(val, int) and key in NUMBERS:
        return {"type": "number", "minimum": 0}
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
            return {"type": "array", "items": {"$ref": "#/definitions/toleration"}}
        if key == "imagePullSecrets":
            return {"type": "array", "items": closed({"name": {"type": "string"}},
                                                     required=["name"])}
        return {"type": "array", "items": {"type": "string"}}
    if isinstance(val, dict):
        return {"type": "object", "additionalProperties": False,
                "properties": {k: schema(x, path + [k]) for k, x in val.items()}}
    return {}


values = yaml.safe_load((CHART / "values.yaml").read_text())
out = {"$schema": "http://json-schema.org/draft-07/schema#", "title": "Wattkeeper chart values",
       **schema(values, []), "definitions": DEFINITIONS}
(CHART / "values.schema.json").write_text(json.dumps(out, indent=2) + "\n")
