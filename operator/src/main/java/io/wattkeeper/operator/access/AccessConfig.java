package io.wattkeeper.operator.access;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * Who may read usage data over HTTP (CSV export, /q/metrics): TokenReview + SubjectAccessReview.
 */
@ConfigMapping(prefix = "wattkeeper.access")
public interface AccessConfig {

  /**
   * Require a bearer token that the API server authenticates and authorises. Off only for a local
   * run with no API server to ask; every usage endpoint is then open to anyone reaching the port.
   */
  @WithDefault("true")
  boolean enabled();

  /**
   * How long an answer (allowed or not) is reused for the same token and request, as
   * kube-rbac-proxy does.
   */
  @WithDefault("60s")
  Duration cacheTtl();
}
