package io.wattkeeper.agent.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Arrays;

/**
 * One jar, two programs: {@code measure ...} runs the measuring tool in plain Java (no HTTP server,
 * no Kubernetes client, no CDI); no arguments or {@code agent} runs the node agent.
 */
@QuarkusMain
public class Main {

  public static void main(String... args) {
    if (args.length > 0 && args[0].equals("measure")) {
      int code =
          MeasureCommand.run(Arrays.copyOfRange(args, 1, args.length), System.out, System.err);
      System.exit(code);
      return;
    }
    if (args.length > 0 && !args[0].equals("agent")) {
      System.err.println(
          "usage: wattkeeper [agent] | wattkeeper measure [options] [-- command ...]");
      System.exit(2);
      return;
    }
    Quarkus.run(Agent.class, args.length > 0 ? Arrays.copyOfRange(args, 1, args.length) : args);
  }

  /** The agent: everything happens in scheduled beans; this waits for shutdown. */
  public static class Agent implements QuarkusApplication {
    @Override
    public int run(String... args) {
      Quarkus.waitForExit();
      return 0;
    }
  }
}
