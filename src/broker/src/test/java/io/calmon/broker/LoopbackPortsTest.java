package io.calmon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {

  @Test
  void shouldHandOutDifferentPortsForTheListenersOfOneBroker() {
    // Asked one at a time, a just-released port could come back for the next listener (a broker
    // then failed to start: two listeners on one port). Many rounds, as the system's choice varies.
    for (int round = 0; round < 200; round++) {
      int[] ports = LoopbackPorts.free(3);
      assertEquals(3, Arrays.stream(ports).distinct().count(), Arrays.toString(ports));
    }
  }

  @Test
  void shouldNeverHandOutAPortAlreadyTaken() {
    int taken = LoopbackPorts.free(1)[0];
    for (int round = 0; round < 50; round++) {
      int[] ports = LoopbackPorts.free(3, taken);
      assertTrue(Arrays.stream(ports).noneMatch(p -> p == taken), Arrays.toString(ports));
    }
  }
}
