package io.wattkeeper.agent.gpu;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Logs a condition at WARN the first time it is seen and at DEBUG afterwards, so that a GPU that
 * keeps returning garbage every 5 s is reported without flooding the log. Keys name the condition
 * and the device, never a PID, so the set stays small.
 */
final class OnceWarnings {
  private static final int MAX_KEYS = 1024;

  private final Logger log;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();

  OnceWarnings(Logger log) {
    this.log = log;
  }

  void warn(String key, String message) {
    if (seen.size() < MAX_KEYS && seen.add(key)) {
      log.warn(message);
    } else {
      log.debug(message);
    }
  }

  void info(String key, String message) {
    if (seen.size() < MAX_KEYS && seen.add(key)) {
      log.info(message);
    } else {
      log.debug(message);
    }
  }
}
