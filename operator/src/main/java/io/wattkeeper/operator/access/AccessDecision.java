package io.wattkeeper.operator.access;

/** An access check's outcome and its HTTP status: 200 (go on), 401, 403 or 503. */
public record AccessDecision(int status, String message) {

  public static final AccessDecision ALLOWED = new AccessDecision(200, null);

  public static AccessDecision unauthenticated(String why) {
    return new AccessDecision(401, why);
  }

  public static AccessDecision forbidden(String why) {
    return new AccessDecision(403, why);
  }

  /** The API server could not be asked: fail closed, but say it is not the caller's fault. */
  public static AccessDecision unavailable(String why) {
    return new AccessDecision(503, why);
  }

  public boolean allowed() {
    return status == 200;
  }

  /** Only definite answers are cached; an outage is asked again. */
  boolean cacheable() {
    return status != 503;
  }
}
