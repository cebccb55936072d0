package io.wattkeeper.agent.kube;

/** A request the API server refused or could not be sent (code 0: no HTTP answer). */
public final class KubeApiException extends RuntimeException {
  private final int code;

  public KubeApiException(int code, String message) {
    super(message);
    this.code = code;
  }

  public KubeApiException(String message, Throwable cause) {
    super(message, cause);
    this.code = 0;
  }

  /** The HTTP status, or 0 when there was none (connection refused, timeout, bad TLS). */
  public int code() {
    return code;
  }
}
