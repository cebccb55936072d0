package io.wattkeeper.operator.carbon;

import static org.assertj.core.api.Assertions.assertThat;

import io.wattkeeper.api.carbon.CarbonIntensityTable;
import io.wattkeeper.api.carbon.GridIntensity;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IntensityResolverTest {

  final IntensityResolver r =
      new IntensityResolver(CarbonIntensityTable.builtIn(), Optional.empty());

  @Test
  void zoneComesFromAnnotationThenRegionLabelThenDefault() {
    Map<String, String> region = Map.of(ZoneResolver.REGION_LABEL, "us-east-1");
    assertThat(
            ZoneResolver.zoneOf(Map.of("wattkeeper.io/grid-zone", "FR"), region, Optional.of("DE")))
        .contains("FR");
    assertThat(ZoneResolver.zoneOf(Map.of(), region, Optional.of("DE"))).contains("us-east-1");
    assertThat(ZoneResolver.zoneOf(null, null, Optional.of("DE"))).contains("DE");
    assertThat(
            ZoneResolver.zoneOf(Map.of("wattkeeper.io/grid-zone", " "), Map.of(), Optional.empty()))
        .isEmpty();
  }

  @Test
  void noZoneIsTheWorldAverageAndAnUnknownZoneSaysSo() {
    assertThat(r.forZone(Optional.empty())).isEqualTo(CarbonIntensityTable.WORLD_AVERAGE);
    GridIntensity unknown = r.forZone(Optional.of("atlantis-1"));
    assertThat(unknown.gramsPerKWh()).isEqualTo(475);
    assertThat(unknown.zone()).isEqualTo("atlantis-1");
    assertThat(unknown.kind()).isEqualTo("fallback");
    assertThat(unknown.source()).contains("zone not in table");
    assertThat(r.forZone(Optional.of("us-east-1")).kind()).isEqualTo("aws");
  }

  @Test
  void aBudgetOverrideWins() {
    GridIntensity node = r.forZone(Optional.of("PL"));
    assertThat(r.withOverride(null, 50.0, node).gramsPerKWh()).isEqualTo(50);
    assertThat(r.withOverride(null, 50.0, node).kind()).isEqualTo("override");
    assertThat(r.withOverride("FR", null, node))
        .isEqualTo(CarbonIntensityTable.builtIn().lookup("FR").orElseThrow());
    assertThat(r.withOverride(null, null, node)).isSameAs(node);
  }
}
