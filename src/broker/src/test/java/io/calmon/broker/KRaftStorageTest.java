package io.calmon.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Formatting a data dir, as kafka-storage.sh format does, without starting a broker. */
class KRaftStorageTest {

  @Test
  void shouldWriteMetaPropertiesAndTheBootstrapSnapshot(@TempDir Path dir) throws Exception {
    String clusterId = KRaftStorage.formatIfNeeded(dir);

    assertNotNull(clusterId);
    Properties meta = new Properties();
    try (Reader r = Files.newBufferedReader(dir.resolve("meta.properties"))) {
      meta.load(r);
    }
    assertEquals(clusterId, meta.getProperty("cluster.id"));
    assertEquals("1", meta.getProperty("node.id"));
    // Without the bootstrap snapshot a 4.x node would have no metadata version to start with.
    assertTrue(
        Files.isRegularFile(
            dir.resolve("__cluster_metadata-0/00000000000000000000-0000000000.checkpoint")));
  }

  @Test
  void shouldLeaveAFormattedDirAlone(@TempDir Path dir) throws Exception {
    KRaftStorage.formatIfNeeded(dir);
    String before = Files.readString(dir.resolve("meta.properties"));

    assertNull(KRaftStorage.formatIfNeeded(dir));
    assertEquals(before, Files.readString(dir.resolve("meta.properties")));
  }
}
