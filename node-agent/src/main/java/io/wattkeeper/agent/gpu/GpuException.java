package io.wattkeeper.agent.gpu;

/** A GPU operation that failed, with NVML's reason. */
public class GpuException extends RuntimeException {
  public GpuException(String message) {
    super(message);
  }

  public GpuException(String message, Throwable cause) {
    super(message, cause);
  }
}
