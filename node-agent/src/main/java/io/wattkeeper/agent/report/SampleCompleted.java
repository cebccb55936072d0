package io.wattkeeper.agent.report;

import io.wattkeeper.agent.state.EnergyLedger;

/** Fired after each sample (CDI event) so metrics can follow the ledger. */
public record SampleCompleted(LastInterval last, EnergyLedger ledger, long durationNanos) {}
