package io.wattkeeper.api.units;

/** A user-written quantity that cannot be read; the message names the field and the fix. */
public class QuantityException extends IllegalArgumentException {
  public QuantityException(String message) {
    super(message);
  }
}
