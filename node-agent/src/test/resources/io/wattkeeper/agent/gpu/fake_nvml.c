/*
 * A fake libnvidia-ml.so.1 for the agent's tests: the same symbols, argument types, struct
 * layouts and return codes as NVML (nvml.h, API 13), with values scripted by a file named
 * scenario.txt next to the .so (re-read on every call, so a test can change it between samples).
 * Build variants: -DNO_V3 (driver without _v3), -DWITH_DETAIL_LIST, -DWITH_CONFCOMPUTE.
 *
 * scenario.txt: key=value lines, e.g.
 *   init.rc=0  count=2  driver=535.54.03
 *   gpu0.uuid=GPU-...  gpu0.name=...  gpu0.power_mw=250000  gpu0.power.rc=0
 *   gpu0.energy_mj=...  gpu0.util=50  gpu0.limit_mw=  gpu0.default_mw=  gpu0.min_mw=  gpu0.max_mw=
 *   gpu0.procs=pid:mem,pid:mem   gpu0.stride=24|32 (for _v3)
 *   gpu0.putil=pid:timestamp:sm,...   gpu0.<call>.rc=code to make a call fail
 *   gpu0.clear_bytes_per_slot=32 (zero that many bytes per offered slot before writing)
 *   gpu0.procs_count= / gpu0.putil_count= (a garbage count for the sizing call)
 *   frozen=1 (stop re-reading the file: for benchmarks)
 * Each set-limit call and nvmlShutdown append a line to calls.log next to the .so.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int nvmlReturn_t;
/* index: the board; mig: 0 for the board handle, k + 1 for the MIG instance in slot k. */
typedef struct nvmlDevice_st { int index; int mig; } *nvmlDevice_t;
typedef struct { unsigned int gpu; unsigned int memory; } nvmlUtilization_t;
typedef struct {
  unsigned int pid;
  unsigned long long timeStamp;
  unsigned int smUtil, memUtil, encUtil, decUtil;
} nvmlProcessUtilizationSample_t;
typedef struct {
  unsigned int version;
  unsigned int mode;
  unsigned int numProcArrayEntries;
  void *procArray;
} nvmlProcessDetailList_t;

#define MAX_DEVICES 8
#define MAX_KV 256
#define MAX_MIG 8
static struct nvmlDevice_st devices[MAX_DEVICES];
static struct nvmlDevice_st mig_devices[MAX_DEVICES][MAX_MIG];
static char keys[MAX_KV][64];
static char values[MAX_KV][1024];
static int kv_count;
static long long limit_set_mw[MAX_DEVICES];
static char dir[4096];

static void locate(void) {
  Dl_info info;
  if (dir[0] || !dladdr((void *)&locate, &info) || !info.dli_fname) return;
  snprintf(dir, sizeof dir, "%s", info.dli_fname);
  char *slash = strrchr(dir, '/');
  if (slash) *slash = 0; else strcpy(dir, ".");
}

static int frozen;
static const char *get(const char *key);

/* Re-reads scenario.txt, unless it said frozen=1 (benchmarks: measure the caller, not this). */
static void load(void) {
  char path[4200];
  char line[1100];
  if (frozen) return;
  locate();
  snprintf(path, sizeof path, "%s/scenario.txt", dir);
  kv_count = 0;
  FILE *f = fopen(path, "r");
  if (!f) return;
  while (kv_count < MAX_KV && fgets(line, sizeof line, f)) {
    char *eq = strchr(line, '=');
    if (line[0] == '#' || !eq) continue;
    *eq = 0;
    char *v = eq + 1;
    v[strcspn(v, "\r\n")] = 0;
    snprintf(keys[kv_count], sizeof keys[0], "%s", line);
    snprintf(values[kv_count], sizeof values[0], "%s", v);
    kv_count++;
  }
  fclose(f);
  frozen = get("frozen") && strcmp(get("frozen"), "1") == 0;
}

static void log_call(const char *text) {
  char path[4200];
  locate();
  snprintf(path, sizeof path, "%s/calls.log", dir);
  FILE *f = fopen(path, "a");
  if (f) { fprintf(f, "%s\n", text); fclose(f); }
}

static const char *get(const char *key) {
  for (int i = kv_count - 1; i >= 0; i--)
    if (strcmp(keys[i], key) == 0) return values[i];
  return NULL;
}
static long long geti(const char *key, long long fallback) {
  const char *v = get(key);
  return v ? strtoll(v, NULL, 0) : fallback;
}
/* gpuN.field for a board; gpuN.migK.field for MIG instance K (only stride falls back to the
   board's value). */
static const char *dev_get(nvmlDevice_t d, const char *field) {
  char key[96];
  if (d->mig) {
    snprintf(key, sizeof key, "gpu%d.mig%d.%s", d->index, d->mig - 1, field);
    const char *v = get(key);
    if (v || strcmp(field, "stride") != 0) return v;
  }
  snprintf(key, sizeof key, "gpu%d.%s", d->index, field);
  return get(key);
}
static long long dev_geti(nvmlDevice_t d, const char *field, long long fallback) {
  const char *v = dev_get(d, field);
  return v ? (long long)strtoull(v, NULL, 0) : fallback;
}
/* The scripted return code of a call on a device, 0 by default. */
static int dev_rc(nvmlDevice_t d, const char *call) {
  char field[80];
  snprintf(field, sizeof field, "%s.rc", call);
  return (int)dev_geti(d, field, 0);
}
static int valid(nvmlDevice_t d) {
  int board = d >= devices && d < devices + MAX_DEVICES;
  int mig = d >= &mig_devices[0][0] && d < &mig_devices[0][0] + MAX_DEVICES * MAX_MIG;
  return (board || mig) && d->index < geti("count", 0);
}
#define DEVICE_CALL(name)            \
  load();                            \
  if (!valid(device)) return 2;      \
  { int rc_ = dev_rc(device, name); if (rc_) return rc_; }

const char *nvmlErrorString(nvmlReturn_t r) {
  switch (r) {
    case 0: return "Success";
    case 1: return "Uninitialized";
    case 2: return "Invalid Argument";
    case 3: return "Not Supported";
    case 4: return "Insufficient Permissions";
    case 6: return "Not Found";
    case 7: return "Insufficient Size";
    case 9: return "Driver Not Loaded";
    case 15: return "GPU is lost";
    default: return "Unknown Error";
  }
}

nvmlReturn_t nvmlInit_v2(void) {
  load();
  for (int i = 0; i < MAX_DEVICES; i++) {
    devices[i].index = i;
    devices[i].mig = 0;
    for (int k = 0; k < MAX_MIG; k++) {
      mig_devices[i][k].index = i;
      mig_devices[i][k].mig = k + 1;
    }
  }
  return (int)geti("init.rc", 0);
}
/* The v1 ABI: a binding that uses these unversioned names gets an error, as a real v2-era
   driver would give it stale semantics. */
nvmlReturn_t nvmlInit(void) { return 999; }
nvmlReturn_t nvmlDeviceGetCount(unsigned int *c) { (void)c; return 999; }
nvmlReturn_t nvmlDeviceGetHandleByIndex(unsigned int i, nvmlDevice_t *d) { (void)i; (void)d; return 999; }

nvmlReturn_t nvmlShutdown(void) { log_call("nvmlShutdown"); return 0; }

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
  load();
  const char *v = get("driver");
  if (!v) v = "999.99";
  if (strlen(v) + 1 > length) return 7;
  strcpy(version, v);
  return 0;
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
  load();
  int rc = (int)geti("count.rc", 0);
  if (rc) return rc;
  *count = (unsigned int)geti("count", 0);
  return 0;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
  load();
  if (index >= (unsigned)geti("count", 0) || index >= MAX_DEVICES) return 2;
  int rc = dev_rc(&devices[index], "handle");
  if (rc) return rc;
  *device = &devices[index];
  return 0;
}

nvmlReturn_t nvmlDeviceGetHandleByUUID(const char *uuid, nvmlDevice_t *device) {
  load();
  for (int i = 0; i < geti("count", 0) && i < MAX_DEVICES; i++) {
    const char *u = dev_get(&devices[i], "uuid");
    if (u && strcmp(u, uuid) == 0) { *device = &devices[i]; return 0; }
  }
  return 6;
}

static nvmlReturn_t copy_string(nvmlDevice_t device, const char *field, char *out, unsigned length) {
  const char *v = dev_get(device, field);
  if (!v) v = "";
  if (strlen(v) + 1 > length) return 7;
  strcpy(out, v);
  return 0;
}
nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
  DEVICE_CALL("uuid");
  return copy_string(device, "uuid", uuid, length);
}
nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
  DEVICE_CALL("name");
  return copy_string(device, "name", name, length);
}

nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
  DEVICE_CALL("power");
  *power = (unsigned int)dev_geti(device, "power_mw", 0);
  return 0;
}
nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy) {
  DEVICE_CALL("energy");
  *energy = (unsigned long long)dev_geti(device, "energy_mj", 0);
  return 0;
}
nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *u) {
  DEVICE_CALL("util");
  u->gpu = (unsigned int)dev_geti(device, "util", 0);
  u->memory = (unsigned int)dev_geti(device, "util_mem", 0);
  return 0;
}

nvmlReturn_t nvmlDeviceGetPowerManagementLimit(nvmlDevice_t device, unsigned int *limit) {
  DEVICE_CALL("limit");
  *limit = limit_set_mw[device->index] ? (unsigned)limit_set_mw[device->index]
                                       : (unsigned)dev_geti(device, "limit_mw", 0);
  return 0;
}
nvmlReturn_t nvmlDeviceGetPowerManagementDefaultLimit(nvmlDevice_t device, unsigned int *limit) {
  DEVICE_CALL("default");
  *limit = (unsigned int)dev_geti(device, "default_mw", 0);
  return 0;
}
nvmlReturn_t nvmlDeviceGetPowerManagementLimitConstraints(nvmlDevice_t device, unsigned int *min,
                                                          unsigned int *max) {
  DEVICE_CALL("constraints");
  *min = (unsigned int)dev_geti(device, "min_mw", 0);
  *max = (unsigned int)dev_geti(device, "max_mw", 0);
  return 0;
}
nvmlReturn_t nvmlDeviceSetPowerManagementLimit(nvmlDevice_t device, unsigned int limit) {
  char line[128];
  DEVICE_CALL("setlimit");
  if (limit < dev_geti(device, "min_mw", 0) || limit > dev_geti(device, "max_mw", 0)) return 2;
  limit_set_mw[device->index] = limit;
  snprintf(line, sizeof line, "nvmlDeviceSetPowerManagementLimit gpu%d %u", device->index, limit);
  log_call(line);
  return 0;
}

/* Parses "pid:mem,pid:mem" into arrays; returns the count. */
static int parse_procs(nvmlDevice_t device, unsigned long long *pids, unsigned long long *mems, int max) {
  const char *v = dev_get(device, "procs");
  int n = 0;
  if (!v || !*v) return 0;
  char buf[1024];
  snprintf(buf, sizeof buf, "%s", v);
  for (char *tok = strtok(buf, ","); tok && n < max; tok = strtok(NULL, ",")) {
    char *colon = strchr(tok, ':');
    pids[n] = strtoull(tok, NULL, 0);
    mems[n] = colon ? strtoull(colon + 1, NULL, 0) : 0;
    n++;
  }
  return n;
}

/* Writes records at the given stride: pid u32 @0, usedGpuMemory u64 @8, gpuInstanceId u32 @16,
   computeInstanceId u32 @20, and for 32 bytes usedGpuCcProtectedMemory u64 @24. */
static void write_record(unsigned char *base, unsigned long long pid, unsigned long long mem, int stride) {
  unsigned int pid32 = (unsigned int)pid, none = 0xFFFFFFFFu;
  unsigned long long zero = 0;
  memset(base, 0, 8);
  memcpy(base, &pid32, 4);
  memcpy(base + 8, &mem, 8);
  memcpy(base + 16, &none, 4);
  memcpy(base + 20, &none, 4);
  if (stride == 32) memcpy(base + 24, &zero, 8);
}

static nvmlReturn_t running_processes(nvmlDevice_t device, unsigned int *count, void *infos, int stride) {
  unsigned long long pids[64], mems[64];
  int n = parse_procs(device, pids, mems, 64);
  if (infos == NULL || *count < (unsigned)n) {
    /* procs_count scripts a garbage size request. */
    *count = (unsigned int)dev_geti(device, "procs_count", n);
    return *count == 0 ? 0 : 7;
  }
  /* Some drivers might clear every slot the caller offered before writing: scripted by
     clear_bytes_per_slot, to check that the stride measurement is not fooled by it. */
  long long clear = dev_geti(device, "clear_bytes_per_slot", 0);
  if (clear > 0) memset(infos, 0, (size_t)clear * *count);
  for (int i = 0; i < n; i++) write_record((unsigned char *)infos + (size_t)i * stride, pids[i], mems[i], stride);
  *count = n;
  return 0;
}

#ifndef NO_V3
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *count, void *infos) {
  DEVICE_CALL("procs");
  return running_processes(device, count, infos, (int)dev_geti(device, "stride", 24));
}
#endif

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t device, unsigned int *count, void *infos) {
  DEVICE_CALL("procs");
  return running_processes(device, count, infos, 24);
}

#ifdef WITH_DETAIL_LIST
nvmlReturn_t nvmlDeviceGetRunningProcessDetailList(nvmlDevice_t device, nvmlProcessDetailList_t *list) {
  DEVICE_CALL("procs");
  if (list->version != 0x01000018u) return 25; /* ARGUMENT_VERSION_MISMATCH */
  if (list->mode != 0) return 2;
  return running_processes(device, &list->numProcArrayEntries, list->procArray, 32);
}
#endif

#ifdef WITH_CONFCOMPUTE
nvmlReturn_t nvmlDeviceGetConfComputeMemSizeInfo(nvmlDevice_t device, void *info) {
  (void)device; (void)info;
  return 3;
}
#endif

/* MIG: gpuN.mig=1 enables it, gpuN.mig_max is the slot count, gpuN.migK.present=1 fills slot K. */
nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int *current, unsigned int *pending) {
  DEVICE_CALL("migmode");
  *current = (unsigned int)dev_geti(device, "mig", 0);
  *pending = *current;
  return 0;
}
nvmlReturn_t nvmlDeviceGetMaxMigDeviceCount(nvmlDevice_t device, unsigned int *count) {
  DEVICE_CALL("migmax");
  *count = (unsigned int)dev_geti(device, "mig_max", 0);
  return 0;
}
nvmlReturn_t nvmlDeviceGetMigDeviceHandleByIndex(nvmlDevice_t device, unsigned int index, nvmlDevice_t *mig) {
  char field[32];
  DEVICE_CALL("mighandle");
  if (device->mig || index >= MAX_MIG || index >= (unsigned)dev_geti(device, "mig_max", 0)) return 2;
  snprintf(field, sizeof field, "mig%u.present", index);
  if (dev_geti(device, field, 0) != 1) return 6;
  *mig = &mig_devices[device->index][index];
  return 0;
}

/* gpuN.putil=pid:timestamp:sm,... ; returns samples newer than lastSeen, NOT_FOUND when none. */
nvmlReturn_t nvmlDeviceGetProcessUtilization(nvmlDevice_t device, nvmlProcessUtilizationSample_t *out,
                                             unsigned int *count, unsigned long long lastSeen) {
  DEVICE_CALL("putil");
  nvmlProcessUtilizationSample_t samples[64];
  int n = 0;
  const char *v = dev_get(device, "putil");
  if (v && *v) {
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", v);
    for (char *tok = strtok(buf, ","); tok && n < 64; tok = strtok(NULL, ",")) {
      unsigned long long pid = 0, ts = 0, sm = 0;
      sscanf(tok, "%llu:%llu:%llu", &pid, &ts, &sm);
      if (ts <= lastSeen) continue;
      memset(&samples[n], 0, sizeof samples[n]);
      samples[n].pid = (unsigned int)pid;
      samples[n].timeStamp = ts;
      samples[n].smUtil = (unsigned int)sm;
      n++;
    }
  }
  if (n == 0) return 6;
  if (out == NULL || *count < (unsigned)n) {
    *count = (unsigned int)dev_geti(device, "putil_count", n);
    return 7;
  }
  memcpy(out, samples, sizeof samples[0] * n);
  *count = n;
  return 0;
}
