package io.wattkeeper.agent.gpu;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A fake libnvidia-ml.so.1 compiled from fake_nvml.c by gcc, copied into a test's own directory
 * next to the scenario.txt that scripts it. Each test's copy is a distinct file, so the dynamic
 * loader gives it its own state.
 */
public final class FakeNvml {

  /** Driver variants: which optional symbols the fake exports. */
  enum Variant {
    /** _v3 and _v2, no DetailList (R510-R535 era). */
    V3("-DVARIANT_V3"),
    /** _v2 only (R470 era). */
    V2_ONLY("-DNO_V3"),
    /** DetailList, _v3 and _v2 (R550+). */
    DETAIL_LIST("-DWITH_DETAIL_LIST"),
    /** _v3 and ConfComputeMemSizeInfo without DetailList: nvitop's "32-byte era" symbols. */
    CONF_COMPUTE("-DWITH_CONFCOMPUTE");

    final String flag;

    Variant(String flag) {
      this.flag = flag;
    }
  }

  private static final Map<Variant, Path> BUILT = new ConcurrentHashMap<>();

  final Path dir;
  public final Path library;
  private final Map<String, String> scenario = new LinkedHashMap<>();

  private FakeNvml(Path dir, Path library) {
    this.dir = dir;
    this.library = library;
  }

  /** A fake in {@code dir}; skips the test (assumption) only when gcc is absent. */
  static FakeNvml create(Path dir, Variant variant) {
    Path built = BUILT.computeIfAbsent(variant, FakeNvml::compile);
    try {
      Path library = dir.resolve("libnvidia-ml.so.1");
      Files.copy(built, library, StandardCopyOption.REPLACE_EXISTING);
      FakeNvml fake = new FakeNvml(dir, library);
      fake.write();
      return fake;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static FakeNvml create(Path dir) {
    return create(dir, Variant.V3);
  }

  /** Two healthy GPUs: a Volta+ one with an energy counter and one without. */
  public FakeNvml twoGpus() {
    return set("count", "2")
        .set("driver", "535.54.03")
        .gpu(0, "uuid", "GPU-00000000-1111-2222-3333-444444444444")
        .gpu(0, "name", "NVIDIA H100 80GB HBM3")
        .gpu(0, "power_mw", "250500")
        .gpu(0, "energy_mj", "1000000")
        .gpu(0, "util", "87")
        .gpu(0, "limit_mw", "700000")
        .gpu(0, "default_mw", "700000")
        .gpu(0, "min_mw", "200000")
        .gpu(0, "max_mw", "700000")
        .gpu(1, "uuid", "GPU-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee")
        .gpu(1, "name", "Tesla T4")
        .gpu(1, "power_mw", "27000")
        .gpu(1, "energy.rc", "3")
        .gpu(1, "util", "0")
        .gpu(1, "limit_mw", "70000")
        .gpu(1, "default_mw", "70000")
        .gpu(1, "min_mw", "60000")
        .gpu(1, "max_mw", "70000");
  }

  FakeNvml set(String key, String value) {
    scenario.put(key, value);
    write();
    return this;
  }

  FakeNvml gpu(int index, String field, String value) {
    return set("gpu" + index + "." + field, value);
  }

  /** Lines the fake appended to calls.log (set-limit calls, shutdown). */
  List<String> calls() {
    Path log = dir.resolve("calls.log");
    try {
      return Files.exists(log) ? Files.readAllLines(log) : List.of();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void write() {
    List<String> lines = new ArrayList<>();
    scenario.forEach((k, v) -> lines.add(k + "=" + v));
    try {
      Files.write(dir.resolve("scenario.txt"), lines);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path compile(Variant variant) {
    assumeTrue(gccPresent(), "gcc is not installed: the fake NVML library cannot be built");
    try {
      Path work = Files.createTempDirectory("fake-nvml-build-");
      work.toFile().deleteOnExit();
      Path source = work.resolve("fake_nvml.c");
      try (InputStream in = FakeNvml.class.getResourceAsStream("fake_nvml.c")) {
        Files.copy(in, source);
      }
      Path out = work.resolve("libnvidia-ml-" + variant.name() + ".so");
      Process gcc =
          new ProcessBuilder(
                  "gcc",
                  "-shared",
                  "-fPIC",
                  "-O1",
                  variant.flag,
                  "-o",
                  out.toString(),
                  source.toString(),
                  "-ldl")
              .redirectErrorStream(true)
              .start();
      String output = new String(gcc.getInputStream().readAllBytes());
      if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
        throw new IllegalStateException("gcc failed to build the fake NVML: " + output);
      }
      source.toFile().deleteOnExit();
      out.toFile().deleteOnExit();
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static boolean gccPresent() {
    try {
      Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
