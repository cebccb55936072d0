package io.wattkeeper.operator.budget;

import io.wattkeeper.api.v1alpha1.EnergyBudget;
import io.wattkeeper.operator.events.KubeEvents;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Records the ledger's Events on a budget. A failed Event is logged, never fatal. */
@ApplicationScoped
public class BudgetEvents {

  @Inject KubeEvents events;

  public void record(EnergyBudget b, BudgetEvent e) {
    events.record(b, e.type(), e.reason(), e.message());
  }
}
