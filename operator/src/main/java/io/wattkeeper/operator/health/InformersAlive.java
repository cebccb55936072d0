package io.wattkeeper.operator.health;

import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.RegisteredController;
import io.javaoperatorsdk.operator.health.InformerHealthIndicator;
import io.javaoperatorsdk.operator.health.InformerWrappingEventSourceHealthIndicator;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness from the informers: readiness alone (the SDK's check) leaves a pod whose watch died
 * running forever without its data; failing liveness makes the kubelet restart it.
 */
@Liveness
@ApplicationScoped
public class InformersAlive implements HealthCheck {

  private final Operator operator;
  private final Clock clock;
  private final InformerLiveness liveness;

  // Process health is a matter of real time, not of the (test-movable) accounting clock.
  public InformersAlive(
      Operator operator,
      @ConfigProperty(name = "wattkeeper.health.watch-grace", defaultValue = "2m") Duration grace) {
    this.operator = operator;
    this.clock = Clock.systemUTC();
    this.liveness = new InformerLiveness(grace);
  }

  @Override
  public HealthCheckResponse call() {
    HealthCheckResponseBuilder r = HealthCheckResponse.named("wattkeeper informers");
    if (!operator.getRuntimeInfo().isStarted()) {
      return r.up().withData("informers", "starting").build(); // start-up is readiness' concern
    }
    List<InformerLiveness.Informer> informers = new ArrayList<>();
    for (RegisteredController<?> c : operator.getRuntimeInfo().getRegisteredControllers()) {
      String controller = c.getConfiguration().getName();
      for (Map.Entry<String, InformerWrappingEventSourceHealthIndicator> e :
          c.getControllerHealthInfo().informerEventSourceHealthIndicators().entrySet()) {
        @SuppressWarnings("unchecked")
        Map<String, InformerHealthIndicator> byNamespace =
            (Map<String, InformerHealthIndicator>) e.getValue().informerHealthIndicators();
        if (byNamespace.isEmpty()) {
          // A stopped event source drops its informers: none left is as dead as one stopped.
          informers.add(new InformerLiveness.Informer(controller + "/" + e.getKey(), false, false));
        }
        for (Map.Entry<String, InformerHealthIndicator> i : byNamespace.entrySet()) {
          informers.add(
              new InformerLiveness.Informer(
                  controller + "/" + e.getKey() + "/" + i.getKey(),
                  i.getValue().isRunning(),
                  i.getValue().isWatching()));
        }
      }
    }
    InformerLiveness.Verdict v = liveness.check(informers, clock.instant());
    r.withData("informers", informers.size());
    if (v.alive()) {
      return r.up().build();
    }
    return r.down().withData("dead", String.join("; ", v.dead())).build();
  }
}
