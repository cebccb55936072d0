package io.wattkeeper.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.utils.Serialization;
import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.api.validation.BudgetPolicy;
import io.wattkeeper.api.validation.BudgetValidator;
import io.wattkeeper.api.validation.ValidationResult;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every file in crds/examples parses into the model and passes the operator's validation. */
class ExamplesTest {

  static final Path EXAMPLES = CrdFilesTest.ROOT.resolve("crds/examples");

  static EnergyBudget load(String file) throws IOException {
    try (InputStream in = Files.newInputStream(EXAMPLES.resolve(file))) {
      return Serialization.unmarshal(in, EnergyBudget.class);
    }
  }

  @Test
  void everyExampleIsAValidBudget() throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(EXAMPLES)) {
      files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(3);
    for (Path f : files) {
      EnergyBudget eb = load(f.getFileName().toString());
      assertThat(eb.getApiVersion()).isEqualTo("wattkeeper.io/v1alpha1");
      assertThat(eb.getMetadata().getNamespace()).as(f.toString()).isNotBlank();
      ValidationResult r = BudgetValidator.validate(eb.getSpec());
      assertThat(r.errors()).as(f.toString()).isEmpty();
    }
  }

  @Test
  void monitorOnlyHasNoLimits() throws IOException {
    BudgetPolicy p = BudgetValidator.validate(load("monitor-only.yaml").getSpec()).policy();
    assertThat(p.monitorOnly()).isTrue();
    assertThat(p.enforcement().onExceeded()).isEmpty();
  }

  @Test
  void teamBudgetEnforcesAllThreeActions() throws IOException {
    BudgetPolicy p = BudgetValidator.validate(load("monthly-team-budget.yaml").getSpec()).policy();
    assertThat(p.energyLimitWh().get()).isEqualByComparingTo("500000");
    assertThat(p.enforcement().onExceeded()).hasSize(3);
    assertThat(p.enforcement().gpuCapPercent()).isEqualTo(60);
    assertThat(p.selector().getMatchExpressions()).hasSize(1);
  }

  @Test
  void idleInferenceSleepsAfterThirtyMinutes() throws IOException {
    BudgetPolicy p = BudgetValidator.validate(load("idle-inference.yaml").getSpec()).policy();
    assertThat(p.idle().after()).isEqualTo(Duration.ofMinutes(30));
    assertThat(p.idle().workloadSelector().getMatchLabels())
        .containsEntry("wattkeeper.io/role", "inference");
    assertThat(p.period().window()).isEqualTo(Duration.ofHours(168));
  }
}
