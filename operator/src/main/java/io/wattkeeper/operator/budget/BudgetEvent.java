package io.wattkeeper.operator.budget;

/** A Kubernetes Event to record on the budget. {@code type} is Normal or Warning. */
public record BudgetEvent(String type, String reason, String message) {}
