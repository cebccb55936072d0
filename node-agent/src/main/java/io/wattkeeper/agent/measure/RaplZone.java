package io.wattkeeper.agent.measure;

import java.nio.file.Path;

/**
 * One powercap zone we count: a package (package-N) or a dram sub-zone.
 *
 * @param maxEnergyRangeUj the counter's wrap point; 0 when unreadable (no wrap correction)
 */
public record RaplZone(String id, String name, boolean dram, Path dir, long maxEnergyRangeUj) {}
