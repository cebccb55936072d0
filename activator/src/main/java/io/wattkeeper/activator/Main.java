package io.wattkeeper.activator;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Clock;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/** Entry point of the activator process (its own Deployment; see docs/activator.md). */
public final class Main {

  private static final Logger LOG = Logger.getLogger(Main.class.getName());

  private Main() {}

  public static void main(String[] args) throws Exception {
    ActivatorConfig config;
    try {
      config = ActivatorConfig.fromEnv(System.getenv());
    } catch (IllegalArgumentException e) {
      // A bad setting is a deployment error: say which and stop (the Deployment shows it).
      System.err.println("wattkeeper-activator: " + e.getMessage());
      System.exit(2);
      return;
    }
    KubernetesClient client = new KubernetesClientBuilder().build();
    Activator activator = new Activator(client, config, Clock.systemUTC()).start();
    LOG.info(
        "wattkeeper-activator "
            + config.replica()
            + " started; metrics on port "
            + activator.metricsPort());
    CountDownLatch stop = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  activator.close();
                  client.close();
                  stop.countDown();
                }));
    stop.await();
  }
}
