package io.wattkeeper.operator.carbon;

import io.wattkeeper.api.carbon.GridIntensity;
import java.util.Optional;

/** A source of current grid carbon intensity. Empty means "no usable value": use the table. */
public interface LiveIntensityProvider {

  Optional<GridIntensity> latest(String zone);
}
