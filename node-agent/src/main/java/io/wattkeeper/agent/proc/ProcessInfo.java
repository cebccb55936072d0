package io.wattkeeper.agent.proc;

/**
 * One process from /proc/&lt;pid&gt;/stat.
 *
 * @param cpuTicks utime + stime in USER_HZ ticks
 * @param rssBytes resident set size
 */
public record ProcessInfo(int pid, int ppid, String comm, long cpuTicks, long rssBytes) {}
