package io.wattkeeper.operator.access;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authentication.UserInfo;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.wattkeeper.api.v1alpha1.Api;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Asks the API server who a bearer token belongs to (TokenReview) and whether that user may read
 * the usage asked for (SubjectAccessReview), as controller-runtime's secure metrics serving and
 * kube-rbac-proxy do. Answers are cached per token hash and request for {@link
 * AccessConfig#cacheTtl()} so a scrape every 30 s costs two API calls a minute at most.
 */
@ApplicationScoped
public class AccessReviewer {

  private static final Logger LOG = Logger.getLogger(AccessReviewer.class);
  private static final int MAX_CACHED = 1024;

  private final KubernetesClient client;
  private final AccessConfig config;
  private final Clock clock;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  private record Cached(AccessDecision decision, Instant until) {}

  public AccessReviewer(KubernetesClient client, AccessConfig config, Clock clock) {
    this.client = client;
    this.config = config;
    this.clock = clock;
  }

  /** Blocking: calls the API server on a cache miss. */
  public AccessDecision review(String token, UsageRequest request) {
    if (token == null || token.isBlank()) {
      return AccessDecision.unauthenticated("a bearer token is required");
    }
    String key = sha256(token) + "|" + request.namespace() + "|" + request.name();
    Instant now = clock.instant();
    Cached hit = cache.get(key);
    if (hit != null && now.isBefore(hit.until())) {
      return hit.decision();
    }
    AccessDecision d = ask(token, request);
    if (d.cacheable()) {
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
      cache.put(key, new Cached(d, now.plus(config.cacheTtl())));
    }
    return d;
  }

  private AccessDecision ask(String token, UsageRequest request) {
    try {
      TokenReview tr =
          client
              .authentication()
              .v1()
              .tokenReviews()
              .create(new TokenReviewBuilder().withNewSpec().withToken(token).endSpec().build());
      if (tr == null
          || tr.getStatus() == null
          || !Boolean.TRUE.equals(tr.getStatus().getAuthenticated())
          || tr.getStatus().getUser() == null) {
        String err = tr == null || tr.getStatus() == null ? null : tr.getStatus().getError();
        return AccessDecision.unauthenticated(
            "the token was not authenticated" + (err == null ? "" : ": " + err));
      }
      UserInfo user = tr.getStatus().getUser();
      SubjectAccessReview sar =
          client
              .authorization()
              .v1()
              .subjectAccessReview()
              .create(
                  new SubjectAccessReviewBuilder()
                      .withNewSpec()
                      .withUser(user.getUsername())
                      .withUid(user.getUid())
                      .withGroups(user.getGroups())
                      .withExtra(user.getExtra())
                      .withNewResourceAttributes()
                      .withGroup(Api.GROUP)
                      .withResource("energybudgets")
                      .withVerb("get")
                      .withNamespace(request.namespace())
                      .withName(request.name())
                      .endResourceAttributes()
                      .endSpec()
                      .build());
      if (sar != null
          && sar.getStatus() != null
          && Boolean.TRUE.equals(sar.getStatus().getAllowed())) {
        return AccessDecision.ALLOWED;
      }
      return AccessDecision.forbidden(
          "user " + user.getUsername() + " may not " + request.describe());
    } catch (KubernetesClientException e) {
      LOG.warnf("access review failed (%s): %s", request.describe(), e.getMessage());
      return AccessDecision.unavailable(
          "could not check access with the Kubernetes API server; try again");
    }
  }

  private static String sha256(String token) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
