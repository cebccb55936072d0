package io.wattkeeper.operator.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.smallrye.common.annotation.NonBlocking;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The validating admission webhook (AdmissionReview admission.k8s.io/v1 in and out). Answers from
 * {@link WebhookCache} only; on a cold cache it allows with a warning, matching the {@code
 * failurePolicy: Ignore} of its configuration: budget enforcement must never take the cluster down.
 */
@Path("/admission/validate")
public class AdmissionResource {

  private static final ObjectMapper JSON = new ObjectMapper();
  static final String V1 = "admission.k8s.io/v1";

  private final WebhookCache cache;
  private final WebhookConfig config;
  private final AdmissionDecider decider;

  public AdmissionResource(WebhookCache cache, WebhookConfig config) {
    this.cache = cache;
    this.config = config;
    this.decider = new AdmissionDecider(config.operatorNamespace(), config.exemptNamespaces());
  }

  @POST
  @NonBlocking
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  public Response validate(JsonNode review) {
    String problem = problem(review);
    if (problem != null) {
      return Response.status(400).entity(JSON.createObjectNode().put("message", problem)).build();
    }
    JsonNode request = review.get("request");
    AdmissionDecision d;
    if (!config.enabled()) {
      d = AdmissionDecision.allow();
    } else if (!cache.ready()) {
      d =
          AdmissionDecision.allow(
              java.util.List.of(
                  "wattkeeper: operator cache not ready; energy budgets not checked"));
    } else {
      d = decider.decide(request, cache::budgets, cache::workload);
    }
    return Response.ok(review(request.get("uid").asText(), d)).build();
  }

  /**
   * Why a body is no AdmissionReview this webhook answers, or null. Only {@code
   * admission.k8s.io/v1}: the configuration asks for v1 only, and answering another version as v1
   * would hand the API server a response it cannot read.
   */
  static String problem(JsonNode review) {
    if (review == null || !review.isObject()) {
      return "expected a JSON AdmissionReview";
    }
    String apiVersion = review.path("apiVersion").asText("");
    String kind = review.path("kind").asText("");
    if (!kind.equals("AdmissionReview") || !apiVersion.equals(V1)) {
      return "expected kind AdmissionReview, apiVersion "
          + V1
          + "; got kind '"
          + kind
          + "', apiVersion '"
          + apiVersion
          + "'";
    }
    JsonNode request = review.get("request");
    if (request == null || !request.isObject() || !request.hasNonNull("uid")) {
      return "expected an AdmissionReview with request.uid";
    }
    return null;
  }

  static ObjectNode review(String uid, AdmissionDecision d) {
    ObjectNode out = JSON.createObjectNode();
    out.put("apiVersion", V1);
    out.put("kind", "AdmissionReview");
    ObjectNode resp = out.putObject("response");
    resp.put("uid", uid);
    resp.put("allowed", d.allowed());
    if (!d.allowed()) {
      ObjectNode status = resp.putObject("status");
      status.put("code", 403);
      status.put("reason", "Forbidden");
      status.put("message", d.message());
    }
    if (!d.warnings().isEmpty()) {
      d.warnings().forEach(resp.putArray("warnings")::add);
    }
    return out;
  }
}
