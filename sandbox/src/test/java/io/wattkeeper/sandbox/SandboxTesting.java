package io.wattkeeper.sandbox;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** What the sandbox's end-to-end tests share: the packaged apps, GETs on the embedded API. */
final class SandboxTesting {

  static final ObjectMapper JSON = new ObjectMapper();

  private SandboxTesting() {}

  /** Skips the test unless the agent, operator and activator are packaged under {@code home}. */
  static void assumePackaged(Path home) {
    for (String app :
        List.of(
            "node-agent/target/quarkus-app/quarkus-run.jar",
            "operator/target/quarkus-app/quarkus-run.jar",
            "activator/target/wattkeeper-activator.jar")) {
      assumeTrue(
          Files.isRegularFile(home.resolve(app)),
          app
              + " is not packaged (run ./mvnw package or verify: the reactor packages it before"
              + " this module's tests)");
    }
  }

  /** GET on the API; anything but 200 throws with the answer. */
  static JsonNode get(HttpClient http, String api, String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(api + path)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(path + ": " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
