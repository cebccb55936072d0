package io.wattkeeper.operator.carbon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wattkeeper.api.carbon.GridIntensity;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * Electricity Maps {@code GET /carbon-intensity/latest?zone=Z} with header {@code auth-token}.
 * Values are cached per zone for {@code refresh}; a failed call is not retried before {@code
 * refresh} either. A value older than {@code maxStaleness} is never used: the caller falls back to
 * the built-in table, so an outage degrades to annual averages, never to an error.
 */
public final class ElectricityMapsProvider implements LiveIntensityProvider {

  private static final Logger LOG = Logger.getLogger(ElectricityMapsProvider.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final URI base;
  private final Supplier<Optional<String>> token;
  private final Clock clock;
  private final Duration refresh;
  private final Duration maxStaleness;
  private final Duration timeout;
  private final Map<String, Entry> cache = new ConcurrentHashMap<>();

  private record Entry(GridIntensity value, Instant fetchedAt, Instant attemptedAt) {}

  public ElectricityMapsProvider(
      HttpClient http,
      URI base,
      Supplier<Optional<String>> token,
      Clock clock,
      Duration refresh,
      Duration maxStaleness,
      Duration timeout) {
    this.http = http;
    this.base = base;
    this.token = token;
    this.clock = clock;
    this.refresh = refresh;
    this.maxStaleness = maxStaleness;
    this.timeout = timeout;
  }

  @Override
  public Optional<GridIntensity> latest(String zone) {
    Instant now = clock.instant();
    Entry e = cache.get(zone);
    if (e != null && e.attemptedAt().plus(refresh).isAfter(now)) {
      return usable(e, now);
    }
    Optional<GridIntensity> fetched = fetch(zone);
    if (fetched.isPresent()) {
      Entry fresh = new Entry(fetched.get(), now, now);
      cache.put(zone, fresh);
      return fetched;
    }
    Entry kept = e == null ? new Entry(null, null, now) : new Entry(e.value(), e.fetchedAt(), now);
    cache.put(zone, kept);
    return usable(kept, now);
  }

  private Optional<GridIntensity> usable(Entry e, Instant now) {
    if (e.value() == null || e.fetchedAt().plus(maxStaleness).isBefore(now)) {
      return Optional.empty();
    }
    return Optional.of(e.value());
  }

  private Optional<GridIntensity> fetch(String zone) {
    Optional<String> t = token.get();
    if (t.isEmpty()) {
      LOG.warnf("Electricity Maps: no API token available; using the built-in table for %s", zone);
      return Optional.empty();
    }
    URI uri =
        URI.create(
            base.toString().replaceAll("/+$", "")
                + "/carbon-intensity/latest?zone="
                + URLEncoder.encode(zone, StandardCharsets.UTF_8));
    HttpRequest req =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("auth-token", t.get())
            .header("Accept", "application/json")
            .GET()
            .build();
    try {
      HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
      if (resp.statusCode() != 200) {
        LOG.warnf(
            "Electricity Maps answered HTTP %d for zone %s; using the built-in table",
            resp.statusCode(), zone);
        return Optional.empty();
      }
      return parse(zone, resp.body());
    } catch (IOException e) {
      LOG.warnf("Electricity Maps unreachable for zone %s (%s); using the built-in table", zone, e);
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  static Optional<GridIntensity> parse(String zone, String body) {
    try {
      JsonNode n = JSON.readTree(body);
      JsonNode ci = n.get("carbonIntensity");
      if (ci == null || !ci.isNumber() || ci.asDouble() < 0) {
        LOG.warnf("Electricity Maps: no carbonIntensity in the answer for zone %s", zone);
        return Optional.empty();
      }
      String at = n.hasNonNull("datetime") ? n.get("datetime").asText() : "unknown time";
      String z = n.hasNonNull("zone") ? n.get("zone").asText() : zone;
      int year = yearOf(at);
      return Optional.of(
          new GridIntensity(
              z,
              "live",
              ci.asDouble(),
              year > 0 ? OptionalInt.of(year) : OptionalInt.empty(),
              "Electricity Maps (live, " + at + ")"));
    } catch (IOException e) {
      LOG.warnf("Electricity Maps: unreadable answer for zone %s: %s", zone, e.getMessage());
      return Optional.empty();
    }
  }

  private static int yearOf(String rfc3339) {
    try {
      return Instant.parse(rfc3339).atZone(java.time.ZoneOffset.UTC).getYear();
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
