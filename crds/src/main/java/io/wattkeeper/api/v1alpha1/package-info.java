/**
 * The {@code wattkeeper.io/v1alpha1} API: {@link io.wattkeeper.api.v1alpha1.EnergyBudget} and
 * {@link io.wattkeeper.api.v1alpha1.NodeEnergyReport}.
 *
 * <p>Specs are records (immutable user intent); enum-like fields are strings constrained by a
 * schema pattern, so that a bad value still deserialises and the operator can answer it with phase
 * {@code Invalid} instead of failing to read the resource. Statuses are mutable POJOs.
 */
package io.wattkeeper.api.v1alpha1;
