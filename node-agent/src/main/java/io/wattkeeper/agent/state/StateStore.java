package io.wattkeeper.agent.state;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;

/**
 * Keeps the ledger in a small JSON file on a hostPath, written atomically (temp file + rename) so a
 * crash mid-write leaves the previous state intact.
 */
public final class StateStore {
  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private final Path file;
  private final Clock clock;

  /** What loading found. */
  public record Loaded(EnergyLedger ledger, String warning) {}

  public StateStore(Path dir, String nodeName, Clock clock) {
    this.file = dir.resolve("ledger-" + (nodeName == null ? "local" : nodeName) + ".json");
    this.clock = clock;
  }

  public Path file() {
    return file;
  }

  /** The saved ledger, or a new epoch (with a warning when a file existed but was unusable). */
  public Loaded load(String nodeName) {
    try {
      LedgerState s = JSON.readValue(Files.readAllBytes(file), LedgerState.class);
      if (s.counterEpoch == null || (nodeName != null && !nodeName.equals(s.nodeName))) {
        return new Loaded(
            EnergyLedger.newEpoch(clock, nodeName),
            "state file " + file + " is for another node or has no epoch: new counter epoch");
      }
      return new Loaded(EnergyLedger.restore(clock, s), null);
    } catch (NoSuchFileException e) {
      return new Loaded(EnergyLedger.newEpoch(clock, nodeName), null);
    } catch (IOException | RuntimeException e) {
      return new Loaded(
          EnergyLedger.newEpoch(clock, nodeName),
          "state file " + file + " unreadable (" + e.getMessage() + "): new counter epoch");
    }
  }

  public void save(EnergyLedger ledger) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(ledger.snapshot()));
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
