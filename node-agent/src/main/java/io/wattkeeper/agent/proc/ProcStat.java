package io.wattkeeper.agent.proc;

import io.wattkeeper.agent.host.SmallFiles;
import java.io.IOException;
import java.nio.file.Path;

/** Parses /proc/stat's aggregate "cpu" line. */
public final class ProcStat {
  private ProcStat() {}

  public static CpuTicks read(Path procDir) throws IOException {
    return parse(SmallFiles.read(procDir.resolve("stat")));
  }

  static CpuTicks parse(String text) throws IOException {
    int end = text.indexOf('\n');
    String line = end < 0 ? text : text.substring(0, end);
    String[] f = line.trim().split("\\s+");
    if (f.length < 5 || !f[0].equals("cpu")) {
      throw new IOException("/proc/stat: first line is not the aggregate cpu line: '" + line + "'");
    }
    long[] v = new long[8];
    try {
      for (int i = 1; i < f.length && i <= 8; i++) {
        v[i - 1] = Long.parseLong(f[i]);
      }
    } catch (NumberFormatException e) {
      throw new IOException("/proc/stat: garbage in cpu line: '" + line + "'");
    }
    // user nice system idle iowait irq softirq steal (guest is already in user)
    long idle = v[3] + v[4];
    long busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    return new CpuTicks(busy, busy + idle);
  }
}
