package io.wattkeeper.agent.report;

import io.wattkeeper.agent.testing.FakeGpuMeter;
import jakarta.inject.Singleton;

/** The scripted GPU as a CDI bean: overrides the default (no GPU) in @QuarkusTest. */
@Singleton
public class TestGpuMeter extends FakeGpuMeter {}
