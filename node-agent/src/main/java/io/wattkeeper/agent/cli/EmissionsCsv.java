package io.wattkeeper.agent.cli;

import static io.wattkeeper.api.codecarbon.EmissionsCsvColumns.escape;

import io.wattkeeper.api.codecarbon.EmissionsCsvColumns;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Appends rows to emissions.csv with CodeCarbon's exact column header (the field order of
 * codecarbon output_methods/emissions_data.py EmissionsData), so notebooks and dashboards built for
 * CodeCarbon read it. As CodeCarbon's FileOutput does: an empty file is a new file; a file whose
 * header has other columns is renamed to a backup that never overwrites an earlier one ({@code
 * emissions.csv.bak}, then {@code emissions.csv_0.bak}, {@code _1.bak}, ..., codecarbon
 * core/util.py {@code backup}); a header with the same columns in another order is kept and our row
 * follows its order. Unlike CodeCarbon, appends are serialised by a lock on the csv itself (checked
 * to still be the file at the path after a backup renamed it; no sidecar file), so concurrent runs
 * neither interleave nor lose rows; a failed write is cut back so no half row stays.
 */
public final class EmissionsCsv {
  public static final List<String> HEADER = EmissionsCsvColumns.HEADER;

  /** One JVM holds one OS lock per file; threads of the same JVM queue here first. */
  private static final Object JVM_LOCK = new Object();

  /** A first line longer than this is not a CodeCarbon header (it has 38 short names). */
  private static final int MAX_HEADER_BYTES = 64 * 1024;

  private EmissionsCsv() {}

  /** Appends one row (values in HEADER order) to {@code dir/emissions.csv}; returns the file. */
  public static Path append(Path dir, List<String> values) throws IOException {
    return appendTo(dir.resolve("emissions.csv"), values);
  }

  /** Appends one row (values in HEADER order) to {@code file}; returns the file written. */
  public static Path appendTo(Path file, List<String> values) throws IOException {
    if (values.size() != HEADER.size()) {
      throw new IllegalArgumentException(
          "emissions.csv row has " + values.size() + " values, header has " + HEADER.size());
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    synchronized (JVM_LOCK) {
      // The lock is on the csv itself. A writer that finds another header renames the file (the
      // backup) while holding the lock; a writer that waited meanwhile then holds the lock of the
      // backup, sees that the path is another file now, and starts again on the new one.
      for (int attempt = 0; ; attempt++) {
        if (attempt > 100) {
          throw new IOException(file + " keeps being replaced while we append to it");
        }
        try {
          Files.createFile(file);
        } catch (FileAlreadyExistsException e) {
          // appended to below
        }
        Object before = fileKey(file);
        try (FileChannel ch =
                FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = ch.lock()) {
          if (before == null || !before.equals(fileKey(file))) {
            continue; // renamed (backed up) or removed since we looked: not the csv any more
          }
          if (appendLocked(file, ch, values)) {
            return file;
          }
          // Backed up under our lock: the next turn creates and locks the new file.
        }
      }
    }
  }

  /** The file's identity (device and inode on Linux), null when it is gone. */
  private static Object fileKey(Path file) throws IOException {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  /** Appends through the locked channel; false when the file was backed up instead. */
  private static boolean appendLocked(Path file, FileChannel ch, List<String> values)
      throws IOException {
    boolean exists = ch.size() > 0;
    List<String> order = HEADER;
    if (exists) {
      List<String> existing = headerOf(ch);
      if (new HashSet<>(existing).equals(new HashSet<>(HEADER))
          && existing.size() == HEADER.size()) {
        order = existing;
      } else {
        backup(file);
        return false;
      }
    }
    StringBuilder out = new StringBuilder();
    if (exists && !endsWithNewline(ch)) {
      out.append('\n'); // a last line without its newline would get our row glued onto it
    }
    if (!exists) {
      out.append(String.join(",", HEADER)).append('\n');
    }
    for (int i = 0; i < order.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(escape(values.get(HEADER.indexOf(order.get(i)))));
    }
    out.append('\n');
    ByteBuffer bytes = ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8));
    long start = ch.size();
    ch.position(start);
    try {
      while (bytes.hasRemaining()) {
        ch.write(bytes);
      }
      // A full disk may only show at the flush (delayed allocation, network file systems).
      ch.force(false);
    } catch (IOException e) {
      try {
        ch.truncate(start);
      } catch (IOException | UnsupportedOperationException cut) {
        e.addSuppressed(cut);
      }
      throw e;
    }
    return true;
  }

  /**
   * Renames {@code file} to the first free name of CodeCarbon's series: {@code <name>.bak}, then
   * {@code <name>_0.bak}, {@code <name>_1.bak}, ...; returns the backup.
   */
  static Path backup(Path file) throws IOException {
    String name = file.getFileName().toString();
    Path target = file.resolveSibling(name + ".bak");
    for (int i = 0; Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS); i++) {
      target = file.resolveSibling(name + "_" + i + ".bak");
    }
    // No REPLACE_EXISTING: a backup that appeared meanwhile is never overwritten.
    return Files.move(file, target);
  }

  /**
   * The header's column names; only the first line is read, the file grows a row per run. Read
   * through the locked channel: opening and closing another descriptor on the file would release
   * this process's fcntl lock on it (POSIX record locks belong to the process and the file).
   */
  private static List<String> headerOf(FileChannel ch) throws IOException {
    ByteArrayOutputStream first = new ByteArrayOutputStream();
    ByteBuffer buf = ByteBuffer.allocate(4096);
    long pos = 0;
    outer:
    while (first.size() < MAX_HEADER_BYTES) {
      buf.clear();
      int n = ch.read(buf, pos);
      if (n <= 0) {
        break;
      }
      pos += n;
      for (int i = 0; i < n; i++) {
        byte b = buf.get(i);
        if (b == '\n') {
          break outer;
        }
        first.write(b);
      }
    }
    String line = first.toString(StandardCharsets.UTF_8);
    List<String> names = new ArrayList<>();
    if (line.startsWith("\uFEFF")) {
      line = line.substring(1);
    }
    for (String n : line.split(",", -1)) {
      names.add(n.strip());
    }
    return names;
  }

  private static boolean endsWithNewline(FileChannel ch) throws IOException {
    long size = ch.size();
    if (size == 0) {
      return true;
    }
    ByteBuffer last = ByteBuffer.allocate(1);
    ch.read(last, size - 1);
    return last.get(0) == '\n';
  }
}
