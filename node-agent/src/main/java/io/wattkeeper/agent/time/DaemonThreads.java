package io.wattkeeper.agent.time;

import java.util.concurrent.ThreadFactory;

/** Named daemon threads for the agent's background work: none of them may keep the JVM alive. */
public final class DaemonThreads {
  private DaemonThreads() {}

  public static ThreadFactory named(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }
}
