package io.wattkeeper.agent.cli;

import io.wattkeeper.agent.gpu.GpuMeter;
import io.wattkeeper.agent.gpu.GpuSample;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

/**
 * Only the GPUs of {@code --gpu-ids} (CodeCarbon's gpu_ids): each id is an NVML index (the position
 * in the meter's device order) or a UUID (a prefix such as {@code GPU-5fd4} is enough).
 */
final class SelectedGpus implements GpuMeter {
  private final GpuMeter all;
  private final List<String> ids;
  private volatile List<String> unmatched = List.of();
  private volatile int seen;

  SelectedGpus(GpuMeter all, List<String> ids) {
    this.all = all;
    this.ids = List.copyOf(ids);
  }

  @Override
  public String source() {
    return all.source() + " (GPUs " + String.join(",", ids) + ")";
  }

  @Override
  public List<GpuSample> sample() {
    List<GpuSample> samples = all.sample();
    List<GpuSample> kept = new ArrayList<>();
    for (int i = 0; i < samples.size(); i++) {
      GpuSample g = samples.get(i);
      for (String id : ids) {
        if (matches(id, i, g)) {
          kept.add(g);
          break;
        }
      }
    }
    List<String> none = new ArrayList<>();
    for (String id : ids) {
      if (IntStream.range(0, samples.size()).noneMatch(i -> matches(id, i, samples.get(i)))) {
        none.add(id);
      }
    }
    unmatched = List.copyOf(none);
    seen = samples.size();
    return kept;
  }

  private static boolean matches(String id, int index, GpuSample g) {
    return id.equals(Integer.toString(index)) || (id.length() > 3 && g.uuid().startsWith(id));
  }

  /**
   * The ids that matched no GPU in the latest sample, said as a warning: a wrong id must not read
   * as a GPU that used nothing. Null when all matched.
   */
  String unmatchedWarning() {
    List<String> none = unmatched;
    if (none.isEmpty()) {
      return null;
    }
    return "GPU ids "
        + String.join(", ", none)
        + " match none of the "
        + seen
        + " GPUs (NVML indexes 0.."
        + (seen - 1)
        + " or UUIDs): not measured";
  }

  @Override
  public double setPowerLimit(String uuid, double watts) {
    return all.setPowerLimit(uuid, watts);
  }

  @Override
  public double restoreDefaultPowerLimit(String uuid) {
    return all.restoreDefaultPowerLimit(uuid);
  }

  @Override
  public void close() {
    all.close();
  }
}
