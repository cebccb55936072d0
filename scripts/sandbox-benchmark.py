#!/usr/bin/env python3
"""Sandbox benchmark (docs/benchmarks.md): launch -> API answering, -> first pod annotation,
-> the demo story done (inference asleep, team Exceeded, trainer at 0), then the idle CPU and RSS
of the sandbox and all its child processes together over a window.

Usage: scripts/sandbox-benchmark.py [--no-demo] [--idle-window 60] [--dir DIR]
Needs a build (./mvnw -B -ntp package -DskipTests). Linux only (reads /proc).
"""
import argparse, json, os, subprocess, sys, tempfile, threading, time, urllib.error, urllib.request

ap = argparse.ArgumentParser()
ap.add_argument("--no-demo", action="store_true")
ap.add_argument("--idle-window", type=int, default=60)
ap.add_argument("--dir", default=None)
ap.add_argument("--timeout", type=int, default=420)
a = ap.parse_args()
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
d = a.dir or tempfile.mkdtemp(prefix="wk-bench-")
args = [os.path.join(root, "wattkeeper"), "sandbox", "--dir", d, "--for", str(a.timeout) + "s"]
if a.no_demo:
    args.append("--no-demo")
t0 = time.monotonic()
p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
import atexit
atexit.register(lambda: p.poll() is None and p.terminate())
marks = {}
server = [None]

def reader():
    for line in p.stdout:
        if line.startswith("export KUBECONFIG=") and "api" not in marks:
            marks["api"] = time.monotonic() - t0
        sys.stderr.write(line)
threading.Thread(target=reader, daemon=True).start()

def get(path):
    try:
        with urllib.request.urlopen(server[0] + path, timeout=5) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        if e.code == 404:
            return {"items": [], "spec": {}, "metadata": {}}
        raise

def tree(pid):
    # A JVM forks its children from other threads than the main one: read every thread's children.
    out = [pid]
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for t in tasks:
        try:
            children = open(f"/proc/{pid}/task/{t}/children").read().split()
        except OSError:
            continue
        for c in children:
            out += tree(int(c))
    return out

def cpu_rss(pids):
    ticks = rss = 0
    for q in pids:
        try:
            f = open(f"/proc/{q}/stat").read().rsplit(")", 1)[1].split()
            ticks += int(f[11]) + int(f[12])
            rss += int(f[21]) * 4096
        except OSError:
            pass
    return ticks / os.sysconf("SC_CLK_TCK"), rss

while "api" not in marks:
    if time.monotonic() - t0 > 60:
        sys.exit("API did not answer in 60 s")
    time.sleep(0.05)
for line in open(os.path.join(d, "kubeconfig")):
    if line.strip().startswith("server:"):
        server[0] = line.split("server:")[1].strip()
if not a.no_demo:
    while time.monotonic() - t0 < a.timeout - 30:
        pods = get("/api/v1/namespaces/demo/pods")["items"]
        if "annotation" not in marks and any("wattkeeper.io/energy-wh" in (x["metadata"].get("annotations") or {}) for x in pods):
            marks["annotation"] = time.monotonic() - t0
        inf = get("/apis/apps/v1/namespaces/demo/deployments/inference")
        tr = get("/apis/apps/v1/namespaces/demo/deployments/trainer")
        team = get("/apis/wattkeeper.io/v1alpha1/namespaces/demo/energybudgets/team")
        if "asleep" not in marks and inf["spec"].get("replicas") == 0 and (inf["metadata"].get("annotations") or {}).get("wattkeeper.io/replicas-before-sleep") == "2":
            marks["asleep"] = time.monotonic() - t0
        if "exceeded" not in marks and (team.get("status") or {}).get("phase") == "Exceeded" and tr["spec"].get("replicas") == 0:
            marks["exceeded"] = time.monotonic() - t0
        if "asleep" in marks and "exceeded" in marks:
            break
        time.sleep(0.5)
    time.sleep(10)  # the last pods stop
else:
    time.sleep(30)  # operator and agent start
pids = tree(p.pid)
c0, _ = cpu_rss(pids)
w0 = time.monotonic()
rss_samples = []
while time.monotonic() - w0 < a.idle_window:
    time.sleep(5)
    rss_samples.append(cpu_rss(tree(p.pid))[1])
c1, _ = cpu_rss(tree(p.pid))
cores = (c1 - c0) / (time.monotonic() - w0)
p.terminate()
p.wait(timeout=60)
print(json.dumps({
    "launch_to_api_s": round(marks.get("api", -1), 2),
    "launch_to_first_annotation_s": round(marks.get("annotation", -1), 2),
    "launch_to_inference_asleep_s": round(marks.get("asleep", -1), 2),
    "launch_to_team_exceeded_trainer_0_s": round(marks.get("exceeded", -1), 2),
    "idle_processes": len(pids),
    "idle_cpu_cores": round(cores, 3),
    "idle_rss_mib_mean": round(sum(rss_samples) / len(rss_samples) / 2**20, 1),
    "idle_window_s": a.idle_window,
    "exit_code": p.returncode,
}, indent=1))
