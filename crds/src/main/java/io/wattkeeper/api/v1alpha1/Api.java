package io.wattkeeper.api.v1alpha1;

/** Names shared by every component that speaks the wattkeeper.io API. */
public final class Api {
  public static final String GROUP = "wattkeeper.io";
  public static final String VERSION = "v1alpha1";
  public static final String API_VERSION = GROUP + "/" + VERSION;

  /** Annotation and label prefix; the operator is the only writer of these keys on pods. */
  public static final String PREFIX = GROUP + "/";

  public static final String ANNOTATION_POWER_WATTS = PREFIX + "power-watts";
  public static final String ANNOTATION_ENERGY_WH = PREFIX + "energy-wh";
  public static final String ANNOTATION_CO2E_GRAMS = PREFIX + "co2e-grams";
  public static final String ANNOTATION_COST = PREFIX + "cost";
  public static final String ANNOTATION_CARBON_INTENSITY = PREFIX + "carbon-intensity";
  public static final String ANNOTATION_MEASURED_FRACTION = PREFIX + "measured-fraction";
  public static final String ANNOTATION_UPDATED_AT = PREFIX + "updated-at";
  public static final String ANNOTATION_BUDGETS = PREFIX + "budgets";
  public static final String ANNOTATION_BUDGET_STATE = PREFIX + "budget-state";
  public static final String ANNOTATION_REPLICAS_BEFORE_SLEEP = PREFIX + "replicas-before-sleep";
  public static final String ANNOTATION_WAKE = PREFIX + "wake";
  public static final String ANNOTATION_GRID_ZONE = PREFIX + "grid-zone";
  public static final String ANNOTATION_ENERGY_PER_REQUEST_WH = PREFIX + "energy-per-request-wh";

  /**
   * Written by the operator on pods a budget with {@code spec.functionalUnits} charges: that
   * budget's name and inference server profile, as JSON; the agent scrapes pods by it unless they
   * carry their own {@code functional-unit-profile}.
   */
  public static final String ANNOTATION_FUNCTIONAL_UNIT_BUDGET = PREFIX + "functional-unit-budget";

  public static final String ANNOTATION_ENERGY_PER_1K_TOKENS_WH =
      PREFIX + "energy-per-1k-tokens-wh";
  public static final String ANNOTATION_CO2E_PER_1K_TOKENS_GRAMS =
      PREFIX + "co2e-per-1k-tokens-grams";
  public static final String LABEL_EXEMPT = PREFIX + "exempt";
  public static final String LABEL_ROLE = PREFIX + "role";

  private Api() {}
}
