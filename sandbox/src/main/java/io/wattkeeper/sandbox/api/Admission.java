package io.wattkeeper.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.logging.Logger;

/**
 * Validating admission webhooks, called as a real API server does: the
 * ValidatingWebhookConfigurations whose rules match the request (operation, group, resource,
 * namespaceSelector, objectSelector), an AdmissionReview admission.k8s.io/v1, {@code failurePolicy}
 * honoured when the webhook cannot be reached or answers garbage, {@code timeoutSeconds} (default
 * 10). Only {@code clientConfig.url} is supported (the sandbox's operator listens on a local port);
 * http is accepted there, unlike a real server.
 */
public final class Admission {
  private static final Logger LOG = Logger.getLogger(Admission.class.getName());
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final java.util.Map<String, HttpClient> byCaBundle =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The client for a webhook: https trusts its caBundle (PEM, base64) only, as a real server. */
  private HttpClient client(String url, String caBundle) throws IOException {
    if (!url.startsWith("https:") || caBundle == null || caBundle.isEmpty()) {
      return http;
    }
    HttpClient c = byCaBundle.get(caBundle);
    if (c != null) {
      return c;
    }
    try {
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      int i = 0;
      for (java.security.cert.Certificate cert :
          java.security.cert.CertificateFactory.getInstance("X.509")
              .generateCertificates(
                  new java.io.ByteArrayInputStream(
                      java.util.Base64.getDecoder().decode(caBundle)))) {
        trust.setCertificateEntry("ca" + i++, cert);
      }
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      c =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .connectTimeout(Duration.ofSeconds(2))
              .sslContext(ssl)
              .build();
      byCaBundle.put(caBundle, c);
      return c;
    } catch (java.security.GeneralSecurityException | IllegalArgumentException e) {
      throw new IOException("bad caBundle: " + e.getMessage(), e);
    }
  }

  /**
   * Calls the matching webhooks; throws the denial. {@code old}: the object before an UPDATE;
   * {@code subResource}: "" or "scale".
   */
  public void admit(
      Api api,
      ResourceType t,
      ObjectNode object,
      ObjectNode old,
      String operation,
      String subResource) {
    ResourceType hooks =
        api.type("admissionregistration.k8s.io", "validatingwebhookconfigurations");
    for (ObjectNode config : api.list(hooks, null, o -> true)) {
      for (JsonNode hook : config.path("webhooks")) {
        if (matches(api, hook, t, subResource, object, operation)) {
          call(config, hook, t, subResource, object, old, operation);
        }
      }
    }
  }

  private boolean matches(
      Api api, JsonNode hook, ResourceType t, String sub, ObjectNode object, String op) {
    String resource = sub.isEmpty() ? t.resource() : t.resource() + "/" + sub;
    boolean ruleMatch = false;
    for (JsonNode rule : hook.path("rules")) {
      if (has(rule.path("operations"), op)
          && has(rule.path("apiGroups"), t.group())
          && has(rule.path("apiVersions"), t.version())
          && has(rule.path("resources"), resource)) {
        ruleMatch = true;
      }
    }
    if (!ruleMatch) {
      return false;
    }
    String ns = Json.at(object, "metadata.namespace");
    if (ns != null && hook.has("namespaceSelector")) {
      ObjectNode nsObj = api.store().get("/namespaces", null, ns);
      JsonNode labels = nsObj == null ? Json.object() : nsObj.path("metadata").path("labels");
      if (!LabelSelector.fromObject(hook.get("namespaceSelector")).matchesLabels(labels)) {
        return false;
      }
    }
    return !hook.has("objectSelector")
        || LabelSelector.fromObject(hook.get("objectSelector")).test(object);
  }

  private static boolean has(JsonNode list, String value) {
    for (JsonNode v : list) {
      if (v.asText().equals("*") || v.asText().equals(value)) {
        return true;
      }
    }
    return false;
  }

  private void call(
      ObjectNode config,
      JsonNode hook,
      ResourceType t,
      String sub,
      ObjectNode object,
      ObjectNode old,
      String op) {
    String hookName = hook.path("name").asText();
    boolean ignore = "Ignore".equals(hook.path("failurePolicy").asText("Fail"));
    String url = hook.path("clientConfig").path("url").asText(null);
    ObjectNode review = Json.object();
    review.put("apiVersion", "admission.k8s.io/v1");
    review.put("kind", "AdmissionReview");
    ObjectNode req = review.putObject("request");
    String uid = UUID.randomUUID().toString();
    req.put("uid", uid);
    ObjectNode kind = req.putObject("kind");
    kind.put("group", t.group());
    kind.put("version", t.version());
    kind.put("kind", t.kind());
    ObjectNode res = req.putObject("resource");
    res.put("group", t.group());
    res.put("version", t.version());
    res.put("resource", t.resource());
    req.set("requestKind", kind.deepCopy());
    req.set("requestResource", res.deepCopy());
    req.put("name", Json.at(object, "metadata.name"));
    req.put("namespace", Json.at(object, "metadata.namespace"));
    if (!sub.isEmpty()) {
      req.put("subResource", sub);
    }
    req.put("operation", op);
    req.putObject("userInfo").put("username", Api.user());
    req.set("object", object);
    if (old == null) {
      req.putNull("oldObject");
    } else {
      req.set("oldObject", old);
    }
    req.put("dryRun", false);
    String failure;
    if (url == null) {
      failure = "only clientConfig.url is supported by the sandbox API";
    } else {
      try {
        HttpResponse<byte[]> r =
            client(url, hook.path("clientConfig").path("caBundle").asText(null))
                .send(
                    HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(hook.path("timeoutSeconds").asInt(10)))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(Json.bytes(review)))
                        .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200) {
          failure = "the webhook answered HTTP " + r.statusCode();
        } else {
          JsonNode resp = Json.parse(r.body()).path("response");
          if (!uid.equals(resp.path("uid").asText())) {
            failure = "the webhook's response has the wrong uid";
          } else if (!resp.path("allowed").isBoolean()) {
            failure = "the webhook's response has no 'allowed'";
          } else if (resp.path("allowed").asBoolean()) {
            return;
          } else {
            JsonNode st = resp.path("status");
            String msg = st.path("message").asText("");
            throw new ApiError(
                st.path("code").asInt(403),
                st.path("reason").asText("Forbidden"),
                "admission webhook \"" + hookName + "\" denied the request: " + msg,
                null,
                null);
          }
        }
      } catch (IOException e) {
        failure = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure = "interrupted";
      } catch (ApiError e) {
        if (e.code() == 400) {
          failure = "the webhook's response is not JSON";
        } else {
          throw e;
        }
      }
    }
    String message = "failed calling webhook \"" + hookName + "\": " + failure;
    if (ignore) {
      LOG.warning(
          message
              + " (failurePolicy Ignore: allowed) ["
              + config.path("metadata").path("name").asText()
              + "]");
      return;
    }
    throw new ApiError(500, "InternalError", "Internal error occurred: " + message, null, null);
  }
}
