package io.wattkeeper.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fixture trees shaped like a machine's /lib, /usr/lib and /etc/ld.so.cache. */
class NvmlLocatorTest {
  static final String NVML = MachineContext.NVML_LIBRARY;

  @TempDir Path root;

  NvmlLocator locator(Map<String, String> env, Map<String, String> props) {
    return new NvmlLocator(root, env, props);
  }

  void library(String dir) throws IOException {
    Path d = Files.createDirectories(root.resolve(dir));
    Files.writeString(d.resolve("libnvidia-ml.so.535.183.01"), "ELF");
    Files.createSymbolicLink(d.resolve(NVML), d.resolve("libnvidia-ml.so.535.183.01"));
  }

  /** glibc's ld.so.cache: a header, then NUL-terminated names and paths. */
  void loaderCache(String... libraries) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes("glibc-ld.so.cache1.1".getBytes(StandardCharsets.ISO_8859_1));
    b.writeBytes(new byte[] {1, 0, 0, 0, 0});
    for (String lib : libraries) {
      b.writeBytes(
          (lib + "\0/usr/lib/x86_64-linux-gnu/" + lib + "\0")
              .getBytes(StandardCharsets.ISO_8859_1));
    }
    Files.createDirectories(root.resolve("etc"));
    Files.write(root.resolve("etc/ld.so.cache"), b.toByteArray());
  }

  @Test
  void aMachineWithoutNvmlSkipsJna() throws IOException {
    Files.createDirectories(root.resolve("usr/lib/x86_64-linux-gnu"));
    Files.createDirectories(root.resolve("lib64"));
    loaderCache("libc.so.6", "libnvidia-ml.so.1.bak", "xlibnvidia-ml.so.1");
    assertThat(locator(Map.of(), Map.of()).mayLoad(NVML)).isFalse();
    // no cache at all (a minimal container)
    Files.delete(root.resolve("etc/ld.so.cache"));
    assertThat(locator(Map.of(), Map.of()).mayLoad(NVML)).isFalse();
  }

  @Test
  void findsNvmlWhereTheLoaderOrJnaLooks() throws IOException {
    library("usr/lib/x86_64-linux-gnu"); // Debian, Ubuntu
    assertThat(locator(Map.of(), Map.of()).mayLoad(NVML)).isTrue();
  }

  @Test
  void findsNvmlInLib64() throws IOException {
    library("usr/lib64"); // RHEL
    assertThat(locator(Map.of(), Map.of()).mayLoad(NVML)).isTrue();
  }

  @Test
  void findsNvmlOnLdLibraryPathOrJnaLibraryPath() throws IOException {
    library("usr/local/nvidia/lib64"); // GKE's driver installer
    assertThat(locator(Map.of(), Map.of()).mayLoad(NVML)).isFalse();
    assertThat(
            locator(Map.of("LD_LIBRARY_PATH", "/opt/x::/usr/local/nvidia/lib64"), Map.of())
                .mayLoad(NVML))
        .isTrue();
    assertThat(
            locator(Map.of(), Map.of("jna.library.path", "/usr/local/nvidia/lib64")).mayLoad(NVML))
        .isTrue();
  }

  @Test
  void findsNvmlInTheLoaderCache() throws IOException {
    loaderCache("libc.so.6", NVML); // e.g. /usr/lib/wsl/lib through ld.so.conf.d
    assertThat(locator(Map.of(), Map.of()).mayLoad(NVML)).isTrue();
  }

  @Test
  void platformLibraryPathListsTheFoldersSearched() throws IOException {
    library("usr/lib/x86_64-linux-gnu");
    Files.createDirectories(root.resolve("lib64"));
    String path = locator(Map.of("LD_LIBRARY_PATH", "/opt/nvidia"), Map.of()).platformLibraryPath();
    assertThat(path.split(":"))
        .containsExactly(
            root.resolve("opt/nvidia").toString(),
            root.resolve("lib64").toString(),
            root.resolve("usr/lib").toString(),
            root.resolve("usr/lib/x86_64-linux-gnu").toString());
  }

  @Test
  void aPathIsLeftToJna() {
    assertThat(locator(Map.of(), Map.of()).mayLoad("/run/nvidia/driver/usr/lib64/" + NVML))
        .isTrue();
  }

  @Test
  void anUnreadableLoaderCacheIsLeftToJna() throws IOException {
    Files.createDirectories(root.resolve("etc/ld.so.cache")); // a directory: reading it fails
    assertThat(locator(Map.of(), Map.of()).mayLoad(NVML)).isTrue();
  }
}
