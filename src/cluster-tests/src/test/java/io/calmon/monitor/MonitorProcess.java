package io.calmon.monitor;

import io.calmon.service.LayeredConfig;
import java.util.Map;

/**
 * The monitor in a JVM of its own, for tests that kill it with SIGKILL: arguments are {@code
 * key=value} flags of {@link MonitorSettings}; prints {@code RUNNING} once Kafka Streams runs, then
 * runs until the process dies. A short session timeout lets the restarted process take its
 * partitions back soon after the killed one's session expires.
 */
public final class MonitorProcess {
  private MonitorProcess() {}

  public static void main(String[] args) throws InterruptedException {
    LayeredConfig.Builder config = MonitorSettings.definitions();
    for (String arg : args) {
      int eq = arg.indexOf('=');
      config.flag(arg.substring(0, eq), arg.substring(eq + 1));
    }
    MonitorService service =
        new MonitorService(
            MonitorSettings.from(config.build()),
            Map.of("session.timeout.ms", 6000, "heartbeat.interval.ms", 1500));
    service.start();
    System.out.println("RUNNING");
    System.out.flush();
    Thread.currentThread().join();
  }
}
