/** The Wattkeeper node agent: per-pod energy measurement and the measure tool. */
package io.wattkeeper.agent;
