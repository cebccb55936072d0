package io.wattkeeper.agent.functionalunit;

/**
 * One scrape of a pod's server: raw counter values (null: unknown) and, when the scrape failed or a
 * counter was unusable, why.
 *
 * @param startTimeSeconds the server's process_start_time_seconds, if it exposes it
 */
public record UnitReading(
    Double requests,
    Double promptTokens,
    Double generatedTokens,
    Double startTimeSeconds,
    String problem) {

  public static UnitReading failed(String problem) {
    return new UnitReading(null, null, null, null, problem);
  }
}
