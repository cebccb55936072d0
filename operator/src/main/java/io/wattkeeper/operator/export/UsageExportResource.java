package io.wattkeeper.operator.export;

import io.wattkeeper.operator.budget.LedgerService;
import io.wattkeeper.operator.ha.Leadership;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

/**
 * {@code GET /api/v1/namespaces/{ns}/energybudgets/{name}/usage.csv}: the budget's per-pod usage in
 * the current period, CodeCarbon layout; {@code ?extended=true} adds measured_fraction, node and
 * pod columns.
 */
@Path("/api/v1/namespaces/{namespace}/energybudgets/{name}/usage.csv")
public class UsageExportResource {

  @Inject LedgerService ledger;
  @Inject Leadership leadership;

  @GET
  @Produces("text/csv")
  public Response csv(
      @PathParam("namespace") String namespace,
      @PathParam("name") String name,
      @QueryParam("extended") boolean extended) {
    if (!leadership.leading()) {
      // Only the leader's ledger is fed; a standby's "no usage" would be wrong, not empty.
      return Response.status(503)
          .header("Retry-After", "2")
          .type("text/plain")
          .entity(
              "this operator replica is a standby; the leader (holder of the Lease) serves the"
                  + " export: retry, or port-forward to the leader pod\n")
          .build();
    }
    return ledger
        .snapshot(namespace, name)
        .map(
            s ->
                Response.ok(CodeCarbonCsv.write(s, extended))
                    .header(
                        "Content-Disposition",
                        "attachment; filename=\"" + namespace + "_" + name + "_usage.csv\"")
                    .build())
        .orElseGet(
            () ->
                Response.status(404)
                    .type("text/plain")
                    .entity(
                        "no usage for energy budget "
                            + namespace
                            + "/"
                            + name
                            + " (unknown budget, invalid spec, or no report yet)\n")
                    .build());
  }
}
