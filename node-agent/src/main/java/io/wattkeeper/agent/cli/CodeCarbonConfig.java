package io.wattkeeper.agent.cli;

import io.wattkeeper.api.carbon.CarbonIntensityTable;
import io.wattkeeper.api.carbon.GridIntensity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A CodeCarbon user's existing set-up, read as CodeCarbon's core/config.py {@code
 * get_hierarchical_config} does: the {@code [codecarbon]} section of {@code ~/.codecarbon.config},
 * then of {@code ./.codecarbon.config} over it, then {@code CODECARBON_*} environment variables
 * (any case) over both. Command-line options win over all of these (in {@link MeasureOptions}).
 * Keys measure does not use are ignored with a note on stderr, never an error. The zone is the
 * cloud region when {@code cloud_provider} and {@code cloud_region} are both set (CodeCarbon then
 * takes the region's country over {@code country_iso_code}), else {@code country_iso_code}.
 */
final class CodeCarbonConfig {
  /** The keys measure takes over, each with the option it stands for. */
  static final Map<String, String> KEYS =
      Map.ofEntries(
          Map.entry("project_name", "--project-name"),
          Map.entry("experiment_id", "--experiment-id"),
          Map.entry("country_iso_code", "--zone"),
          Map.entry("cloud_provider", "--zone"),
          Map.entry("cloud_region", "--zone"),
          Map.entry("output_dir", "--output-dir"),
          Map.entry("output_file", "--output-file"),
          Map.entry("tracking_mode", "--tracking-mode"),
          Map.entry("pue", "--pue"),
          Map.entry("wue", "--wue"),
          Map.entry("gpu_ids", "--gpu-ids"),
          Map.entry("force_cpu_power", "--cpu-power"),
          Map.entry("force_ram_power", "--ram-power"),
          Map.entry("measure_power_secs", "--interval"));

  /** Keys that only change CodeCarbon's own behaviour (logging, its API): no note for them. */
  private static final Set<String> QUIET = Set.of("log_level", "save_to_file");

  private final Map<String, String> values;
  private final Map<String, String> origins;
  private final List<String> notes;

  CodeCarbonConfig(Map<String, String> values, Map<String, String> origins, List<String> notes) {
    this.values = Map.copyOf(values);
    this.origins = Map.copyOf(origins);
    this.notes = List.copyOf(notes);
  }

  static final CodeCarbonConfig NONE = new CodeCarbonConfig(Map.of(), Map.of(), List.of());

  /** Reads the home file, the working directory's file, then the environment. */
  static CodeCarbonConfig load(Path home, Path cwd, Map<String, String> env) {
    Map<String, String> all = new LinkedHashMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    List<String> notes = new ArrayList<>();
    for (Path file :
        List.of(home.resolve(".codecarbon.config"), cwd.resolve(".codecarbon.config"))) {
      if (!Files.isRegularFile(file)) {
        continue;
      }
      try {
        for (Map.Entry<String, String> e :
            section(Files.readString(file, StandardCharsets.UTF_8)).entrySet()) {
          all.put(e.getKey(), e.getValue());
          origin.put(e.getKey(), file.toString());
        }
      } catch (IOException e) {
        notes.add("cannot read " + file + " (" + e.getMessage() + "): not used");
      }
    }
    env.forEach(
        (k, v) -> {
          if (k.toLowerCase(Locale.ROOT).startsWith("codecarbon_")) {
            String key = k.substring("codecarbon_".length()).toLowerCase(Locale.ROOT);
            all.put(key, v);
            origin.put(key, "environment variable " + k);
          }
        });
    // CodeCarbon's _set_from_conf: without gpu_ids, the GPUs visible to CUDA (then ROCm).
    for (String visible : List.of("CUDA_VISIBLE_DEVICES", "ROCR_VISIBLE_DEVICES")) {
      String v = env.get(visible);
      if (!all.containsKey("gpu_ids") && v != null && !v.isEmpty()) {
        all.put("gpu_ids", v);
        origin.put("gpu_ids", "environment variable " + visible);
      }
    }
    Map<String, String> known = new LinkedHashMap<>();
    all.forEach(
        (k, v) -> {
          if (KEYS.containsKey(k)) {
            if (!v.isBlank()) {
              known.put(k, v.strip());
            }
          } else if (!QUIET.contains(k)) {
            notes.add(
                "CodeCarbon setting '" + k + "' (" + origin.get(k) + ") is not used by measure");
          }
        });
    cloudNotes(known, origin, notes);
    return new CodeCarbonConfig(known, origin, notes);
  }

  /** What CodeCarbon would not do with the cloud pair: one without the other, a foreign region. */
  private static void cloudNotes(
      Map<String, String> known, Map<String, String> origin, List<String> notes) {
    String provider = known.get("cloud_provider");
    String region = known.get("cloud_region");
    if (provider == null && region != null) {
      notes.add(
          "CodeCarbon setting 'cloud_region' ("
              + origin.get("cloud_region")
              + ") without cloud_provider is not used, as in CodeCarbon");
    } else if (provider != null && region == null) {
      notes.add(
          "CodeCarbon setting 'cloud_provider' ("
              + origin.get("cloud_provider")
              + ") without cloud_region is not used, as in CodeCarbon");
    } else if (provider != null) {
      Optional<String> kind =
          CarbonIntensityTable.builtIn().lookup(region).map(GridIntensity::kind);
      if (kind.isPresent()
          && List.of("aws", "gcp", "azure").contains(kind.get())
          && !kind.get().equalsIgnoreCase(provider)) {
        notes.add(
            "CodeCarbon setting cloud_region '"
                + region
                + "' is a "
                + kind.get()
                + " region, not "
                + provider
                + ": the "
                + kind.get()
                + " region's intensity is used");
      }
    }
  }

  /**
   * The grid zone of the set-up: the cloud region when provider and region are both set, else
   * country_iso_code, else null.
   */
  String zone() {
    if (values.containsKey("cloud_provider") && values.containsKey("cloud_region")) {
      return values.get("cloud_region");
    }
    return values.get("country_iso_code");
  }

  /** A setting as an error names it: {@code pue setting (environment variable CODECARBON_PUE)}. */
  String label(String key) {
    String from = origins.get(key);
    return key + " setting" + (from != null ? " (" + from + ")" : "");
  }

  /**
   * The {@code [codecarbon]} section of an INI text as Python's configparser reads it: {@code key =
   * value} or {@code key: value}, keys lower-cased, {@code #}/{@code ;} comment lines, indented
   * lines continuing the previous value.
   */
  static Map<String, String> section(String text) {
    Map<String, String> out = new LinkedHashMap<>();
    boolean inside = false;
    String last = null;
    for (String raw : text.split("\r?\n", -1)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[") && line.endsWith("]")) {
        inside = line.substring(1, line.length() - 1).strip().equals("codecarbon");
        last = null;
        continue;
      }
      if (!inside) {
        continue;
      }
      if (last != null && Character.isWhitespace(raw.charAt(0))) {
        out.put(last, out.get(last) + "\n" + line);
        continue;
      }
      int eq = indexOfSeparator(line);
      if (eq < 0) {
        continue; // configparser would refuse the file; one odd line costs only itself here
      }
      last = line.substring(0, eq).strip().toLowerCase(Locale.ROOT);
      out.put(last, line.substring(eq + 1).strip());
    }
    return out;
  }

  private static int indexOfSeparator(String line) {
    int eq = line.indexOf('=');
    int colon = line.indexOf(':');
    if (eq < 0) {
      return colon;
    }
    return colon < 0 ? eq : Math.min(eq, colon);
  }

  /** The value of a key measure uses, or null. */
  String get(String key) {
    return values.get(key);
  }

  List<String> notes() {
    return notes;
  }
}
