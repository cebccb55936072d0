package io.wattkeeper.operator.webhook;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;

/** The DenyNewPods admission webhook. */
@ConfigMapping(prefix = "wattkeeper.webhook")
public interface WebhookConfig {

  /** Serve the webhook and keep the caches it answers from. */
  @WithDefault("true")
  boolean enabled();

  /**
   * Serve the webhook only on the TLS listener, and nothing else there. false only for a local run
   * whose API server calls the webhook over plain HTTP (the sandbox, bound to 127.0.0.1).
   */
  @WithDefault("true")
  boolean tlsOnly();

  /** The operator's namespace: always exempt, and its service accounts are never denied. */
  @WithDefault("${POD_NAMESPACE:wattkeeper}")
  String operatorNamespace();

  /** Namespaces never denied (besides the operator's). */
  @WithDefault("kube-system")
  List<String> exemptNamespaces();
}
