package io.wattkeeper.operator.webhook;

import java.util.List;

/**
 * The answer to one admission request.
 *
 * @param message the denial message; {@code null} when allowed
 */
public record AdmissionDecision(boolean allowed, String message, List<String> warnings) {

  public static AdmissionDecision allow() {
    return new AdmissionDecision(true, null, List.of());
  }

  public static AdmissionDecision allow(List<String> warnings) {
    return new AdmissionDecision(true, null, List.copyOf(warnings));
  }

  public static AdmissionDecision deny(String message, List<String> warnings) {
    return new AdmissionDecision(false, message, List.copyOf(warnings));
  }
}
