package io.calmon.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * Formats a data directory for a single KRaft node, as {@code kafka-storage.sh format} does: it
 * writes {@code meta.properties} (cluster id, node id, directory id) and the bootstrap snapshot of
 * the cluster metadata with the latest production metadata version and its default feature levels
 * (transactions, groups and share groups included). A directory formatted before is left alone, so
 * a restart keeps its topics.
 */
final class KRaftStorage {

  static final String META_PROPERTIES = "meta.properties";

  private KRaftStorage() {}

  /** True if the directory holds a formatted KRaft node. */
  static boolean isFormatted(Path dataDir) {
    return Files.isRegularFile(dataDir.resolve(META_PROPERTIES));
  }

  /**
   * Formats the directory unless it is already formatted.
   *
   * @return the new cluster id, or null when the directory was already formatted
   * @throws IllegalStateException if the directory holds other files (it is not Kafka's), or if
   *     Kafka refuses to format it
   */
  static String formatIfNeeded(Path dataDir) {
    if (isFormatted(dataDir)) {
      return null;
    }
    if (!isEmpty(dataDir)) {
      throw new IllegalStateException(
          "data dir "
              + dataDir
              + " is neither empty nor a Kafka data dir (no "
              + META_PROPERTIES
              + "); give an empty or a new directory");
    }
    String clusterId = Uuid.randomUuid().toString();
    String dir = dataDir.toAbsolutePath().toString();
    try (PrintStream quiet =
        new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8)) {
      new Formatter()
          .setPrintStream(quiet)
          .setClusterId(clusterId)
          .setNodeId(EmbeddedBrokerConfig.NODE_ID)
          .setControllerListenerName(EmbeddedBrokerConfig.CONTROLLER_LISTENER)
          .addDirectory(dir)
          // The metadata log shares the directory; naming it makes the formatter write the
          // bootstrap snapshot there (without it the node would start with no metadata version).
          .setMetadataLogDirectory(dir)
          .run();
    } catch (Exception e) {
      throw new IllegalStateException("could not format Kafka storage in " + dataDir, e);
    }
    return clusterId;
  }

  private static boolean isEmpty(Path dir) {
    try (Stream<Path> entries = Files.list(dir)) {
      return entries.findAny().isEmpty();
    } catch (IOException e) {
      throw new UncheckedIOException("could not list data dir " + dir, e);
    }
  }
}
