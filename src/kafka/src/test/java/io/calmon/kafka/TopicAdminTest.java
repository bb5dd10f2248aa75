package io.calmon.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TopicAdminTest {

  @Test
  void shouldAskTwoInSyncReplicasFromThreeReplicasOnAndOneBelow() {
    assertEquals(1, TopicAdmin.minInSyncReplicas((short) 1));
    assertEquals(1, TopicAdmin.minInSyncReplicas((short) 2));
    assertEquals(2, TopicAdmin.minInSyncReplicas((short) 3));
    assertEquals(2, TopicAdmin.minInSyncReplicas((short) 5));
  }
}
