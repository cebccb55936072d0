package io.wattkeeper.agent.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

/**
 * CodeCarbon's run_id: a random (version 4) UUID. Read straight from /dev/urandom because {@link
 * UUID#randomUUID()} first sets up the JDK's security providers and SecureRandom, ~15 ms of CPU in
 * a start-up that measure keeps short; the bits are the same kind (the kernel's CSPRNG).
 */
final class RunId {
  private RunId() {}

  static UUID random() {
    return random(Path.of("/dev/urandom"));
  }

  static UUID random(Path source) {
    byte[] b;
    try (InputStream in = Files.newInputStream(source)) {
      b = in.readNBytes(16);
    } catch (IOException e) {
      return UUID.randomUUID(); // no /dev/urandom (a chroot?): the JDK's own way
    }
    if (b.length < 16) {
      return UUID.randomUUID();
    }
    b[6] = (byte) ((b[6] & 0x0f) | 0x40); // version 4
    b[8] = (byte) ((b[8] & 0x3f) | 0x80); // IETF variant
    long msb = 0;
    long lsb = 0;
    for (int i = 0; i < 8; i++) {
      msb = (msb << 8) | (b[i] & 0xff);
      lsb = (lsb << 8) | (b[i + 8] & 0xff);
    }
    return new UUID(msb, lsb);
  }
}
