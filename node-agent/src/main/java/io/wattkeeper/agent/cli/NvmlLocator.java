package io.wattkeeper.agent.cli;

import io.wattkeeper.agent.host.SmallFiles;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Whether {@code dlopen} could find NVML here, answered without JNA. JNA's first use costs about 50
 * ms of CPU (it unpacks its native stub and runs {@code /sbin/ldconfig -p}) and the GPU code's
 * logger another 50-100 ms: too much for a measure run on the many machines without a GPU. The
 * library is looked for where the dynamic loader and JNA look: {@code LD_LIBRARY_PATH}, {@code
 * jna.library.path}, {@code jna.platform.library.path}, the loader cache (/etc/ld.so.cache, which
 * holds what {@code ldconfig -p} prints) and the default and multiarch library folders. When it is
 * in none of them, JNA would fail as well; anywhere else JNA still decides.
 */
final class NvmlLocator {
  private List<Path> searchDirs;
  private final Path root;
  private final Map<String, String> env;
  private final Map<String, String> properties;

  /**
   * @param root the file system root ("/"; a fixture tree in tests)
   * @param env the environment (LD_LIBRARY_PATH)
   * @param properties jna.library.path and jna.platform.library.path when set
   */
  NvmlLocator(Path root, Map<String, String> env, Map<String, String> properties) {
    this.root = root;
    this.env = env;
    this.properties = properties;
  }

  static NvmlLocator system() {
    Map<String, String> props = new java.util.HashMap<>();
    for (String p : List.of("jna.library.path", "jna.platform.library.path")) {
      String v = System.getProperty(p);
      if (v != null) {
        props.put(p, v);
      }
    }
    return new NvmlLocator(Path.of("/"), System.getenv(), props);
  }

  /** False only when {@code library} (a bare file name) is in none of the loader's places. */
  boolean mayLoad(String library) {
    if (library.indexOf('/') >= 0) {
      return true; // a path: the loader does not search, JNA says whether it loads
    }
    try {
      for (Path dir : searchDirs()) {
        if (Files.exists(dir.resolve(library))) {
          return true;
        }
      }
      return inLoaderCache(library);
    } catch (IOException e) {
      return true; // cannot tell: JNA decides
    }
  }

  /** The loader's folders, listed once: both mayLoad and platformLibraryPath need them. */
  List<Path> searchDirs() {
    if (searchDirs == null) {
      searchDirs = List.copyOf(listSearchDirs());
    }
    return searchDirs;
  }

  private List<Path> listSearchDirs() {
    List<Path> dirs = new ArrayList<>();
    addPathList(dirs, env.get("LD_LIBRARY_PATH"), ":");
    addPathList(dirs, properties.get("jna.library.path"), File.pathSeparator);
    addPathList(dirs, properties.get("jna.platform.library.path"), File.pathSeparator);
    for (String d : List.of("lib", "lib64", "usr/lib", "usr/lib64")) {
      File dir = root.resolve(d).toFile();
      String[] names = dir.list(); // plain names: cheaper than a DirectoryStream with a glob
      if (names == null) {
        continue; // no such folder on this distribution
      }
      dirs.add(dir.toPath());
      for (String name : names) {
        // Debian's multiarch folders (x86_64-linux-gnu, aarch64-linux-gnu, ...).
        if (name.contains("-linux-gnu")) {
          dirs.add(dir.toPath().resolve(name));
        }
      }
    }
    return dirs;
  }

  /**
   * A value for {@code jna.platform.library.path}: JNA's fallback folders. When it is set, JNA
   * skips running {@code /sbin/ldconfig -p} (~60 ms of CPU) to list them; the loader cache that
   * command prints is what {@code dlopen}, which JNA tries first, searches anyway.
   */
  String platformLibraryPath() {
    StringBuilder path = new StringBuilder();
    for (Path dir : searchDirs()) {
      if (path.length() > 0) {
        path.append(File.pathSeparator);
      }
      path.append(dir);
    }
    return path.toString();
  }

  private void addPathList(List<Path> dirs, String list, String separator) {
    if (list == null) {
      return;
    }
    for (String d : list.split(separator, -1)) {
      // Absolute entries are taken under root, so that a fixture tree stands in for "/"; an
      // empty entry is the working directory, as for the loader.
      dirs.add(d.startsWith("/") ? root.resolve(d.substring(1)) : Path.of(d.isEmpty() ? "." : d));
    }
  }

  /**
   * The loader cache holds each library's name and path as NUL-terminated strings: a name preceded
   * by NUL or '/' and followed by NUL is an entry.
   */
  boolean inLoaderCache(String library) throws IOException {
    Path file = root.resolve("etc/ld.so.cache");
    if (!Files.exists(file)) {
      return false;
    }
    // One char per byte (ISO-8859-1); indexOf is much cheaper than a loop over the bytes here.
    String cache = SmallFiles.read(file);
    String entry = library.concat("\0");
    for (int i = cache.indexOf(entry, 1); i > 0; i = cache.indexOf(entry, i + 1)) {
      char before = cache.charAt(i - 1);
      if (before == '\0' || before == '/') {
        return true;
      }
    }
    return false;
  }
}
