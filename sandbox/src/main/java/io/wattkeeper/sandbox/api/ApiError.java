package io.wattkeeper.sandbox.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** An API error answered as a metav1 Status, as a real API server does. */
public final class ApiError extends RuntimeException {
  private final int code;
  private final String reason;
  private final String kind;
  private final String name;

  public ApiError(int code, String reason, String message, String kind, String name) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.kind = kind;
    this.name = name;
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, "BadRequest", message, null, null);
  }

  public static ApiError notFound(ResourceType t, String name) {
    String what = t.group().isEmpty() ? t.resource() : t.resource() + "." + t.group();
    return new ApiError(404, "NotFound", what + " \"" + name + "\" not found", t.resource(), name);
  }

  public static ApiError notFoundPath(String path) {
    return new ApiError(
        404, "NotFound", "the server could not find the requested resource", null, null);
  }

  public static ApiError conflict(ResourceType t, String name) {
    String what = t.group().isEmpty() ? t.resource() : t.resource() + "." + t.group();
    return new ApiError(
        409,
        "Conflict",
        "Operation cannot be fulfilled on "
            + what
            + " \""
            + name
            + "\": the object has been modified; please apply your changes to the latest version"
            + " and try again",
        t.resource(),
        name);
  }

  public static ApiError alreadyExists(ResourceType t, String name) {
    String what = t.group().isEmpty() ? t.resource() : t.resource() + "." + t.group();
    return new ApiError(
        409, "AlreadyExists", what + " \"" + name + "\" already exists", t.resource(), name);
  }

  public static ApiError invalid(ResourceType t, String name, String message) {
    return new ApiError(
        422, "Invalid", t.kind() + " \"" + name + "\" is invalid: " + message, t.resource(), name);
  }

  public static ApiError unsupported(String message) {
    return new ApiError(415, "UnsupportedMediaType", message, null, null);
  }

  public static ApiError methodNotAllowed(String message) {
    return new ApiError(405, "MethodNotAllowed", message, null, null);
  }

  public int code() {
    return code;
  }

  public String reason() {
    return reason;
  }

  public ObjectNode status() {
    ObjectNode s = Json.object();
    s.put("kind", "Status");
    s.put("apiVersion", "v1");
    s.putObject("metadata");
    s.put("status", "Failure");
    s.put("message", getMessage());
    s.put("reason", reason);
    if (kind != null || name != null) {
      ObjectNode d = s.putObject("details");
      if (name != null) {
        d.put("name", name);
      }
      if (kind != null) {
        d.put("kind", kind);
      }
    }
    s.put("code", code);
    return s;
  }
}
