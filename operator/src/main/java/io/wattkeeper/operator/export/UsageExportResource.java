package io.wattkeeper.operator.export;

import io.wattkeeper.operator.budget.LedgerService;
import io.wattkeeper.operator.cache.SharedCaches;
import io.wattkeeper.operator.ha.Leadership;
import io.wattkeeper.operator.ledger.UsageSnapshot;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import java.util.Optional;

/**
 * {@code GET /api/v1/namespaces/{ns}/energybudgets/{name}/usage.csv}: the budget's per-pod usage in
 * the current period, CodeCarbon layout; {@code ?extended=true} adds measured_fraction, node and
 * pod columns. Every replica answers: the leader from its ledger, a standby from its read-only
 * mirror of it ({@link io.wattkeeper.operator.budget.StandbyLedger}).
 */
@Path("/api/v1/namespaces/{namespace}/energybudgets/{name}/usage.csv")
public class UsageExportResource {

  @Inject LedgerService ledger;
  @Inject Leadership leadership;
  @Inject SharedCaches caches;

  @GET
  @Produces("text/csv")
  public Response csv(
      @PathParam("namespace") String namespace,
      @PathParam("name") String name,
      @QueryParam("extended") boolean extended) {
    Optional<UsageSnapshot> usage = ledger.snapshot(namespace, name);
    if (usage.isPresent()) {
      return Response.ok(CodeCarbonCsv.write(usage.get(), extended))
          .header(
              "Content-Disposition",
              "attachment; filename=\"" + namespace + "_" + name + "_usage.csv\"")
          .build();
    }
    boolean known =
        caches.budgets(namespace).stream().anyMatch(b -> name.equals(b.getMetadata().getName()));
    if (known && !ledger.ready()) {
      // A replica starting, or a standby before its first pass: "no usage" would be wrong.
      return Response.status(503)
          .header("Retry-After", "5")
          .type("text/plain")
          .entity(
              "this operator replica ("
                  + (leadership.leading() ? "leader" : "standby")
                  + ") has not read the reports yet: retry shortly\n")
          .build();
    }
    return Response.status(404)
        .type("text/plain")
        .entity(
            "no usage for energy budget "
                + namespace
                + "/"
                + name
                + " (unknown budget, invalid spec, or no report yet)\n")
        .build();
  }
}
