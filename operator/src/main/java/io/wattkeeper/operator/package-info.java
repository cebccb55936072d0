/** The Wattkeeper operator: energy ledger, budgets, idle scale-to-zero and enforcement. */
package io.wattkeeper.operator;
