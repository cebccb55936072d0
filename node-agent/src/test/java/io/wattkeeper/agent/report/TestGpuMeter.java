package io.wattkeeper.agent.report;

import io.wattkeeper.agent.testing.FakeGpuMeter;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * The scripted GPU as a CDI bean. An alternative without priority: only test profiles that list it
 * in {@code getEnabledAlternatives()} replace the real NVML producer with it.
 */
@Singleton
@Alternative
public class TestGpuMeter extends FakeGpuMeter {}
