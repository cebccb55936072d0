package io.wattkeeper.agent.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads the small text files of /proc, /sys and cgroupfs. Procfs files report size 0, so this reads
 * until end of file into a per-thread buffer instead of trusting the size.
 */
public final class SmallFiles {
  private static final ThreadLocal<ByteBuffer> BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocate(64 * 1024));

  private SmallFiles() {}

  /** The whole file as ASCII text. */
  public static String read(Path file) throws IOException {
    ByteBuffer buf = BUFFER.get();
    buf.clear();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      // A read that returns less than asked is the end for regular files and for procfs,
      // sysfs and cgroupfs (seq_file fills the buffer while it has data): that saves the
      // second read syscall on every small file.
      while (ch.read(buf) > 0) {
        if (buf.hasRemaining()) {
          break;
        }
        ByteBuffer bigger = ByteBuffer.allocate(buf.capacity() * 2);
        buf.flip();
        bigger.put(buf);
        buf = bigger;
        BUFFER.set(buf);
      }
    }
    return new String(buf.array(), 0, buf.position(), StandardCharsets.ISO_8859_1);
  }

  /** A file holding one non-negative integer (energy_uj, cpuacct.usage, memory.current). */
  public static long readLong(Path file) throws IOException {
    String text = read(file).trim();
    try {
      long value = Long.parseLong(text);
      if (value < 0) {
        throw new IOException(file + ": negative value '" + text + "'");
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IOException(file + ": not a number: '" + abbreviate(text) + "'");
    }
  }

  static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
