package io.wattkeeper.agent.gpu;

/** The {@code nvmlReturn_t} codes the agent reacts to (nvml.h); others are handled generically. */
final class NvmlReturn {
  static final int SUCCESS = 0;
  static final int UNINITIALIZED = 1;
  static final int INVALID_ARGUMENT = 2;
  static final int NOT_SUPPORTED = 3;
  static final int NO_PERMISSION = 4;
  static final int NOT_FOUND = 6;
  static final int INSUFFICIENT_SIZE = 7;
  static final int DRIVER_NOT_LOADED = 9;
  static final int GPU_IS_LOST = 15;
  static final int UNKNOWN = 999;

  private NvmlReturn() {}
}
