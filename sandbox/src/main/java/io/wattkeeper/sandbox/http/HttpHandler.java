package io.wattkeeper.sandbox.http;

import java.io.IOException;

/** Answers one request on an exchange. */
@FunctionalInterface
public interface HttpHandler {
  void handle(HttpRequest request, HttpExchange exchange) throws IOException;
}
