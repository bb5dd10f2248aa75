package io.calmon.scorer;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The {@code calmon-deployment} record header of an image event: the event's deployment (UTF-8),
 * copied out of the body by the producer so that a scorer can skip another deployment's events
 * without Avro-decoding the body (which holds the image). Optional: an event without it (an older
 * producer) is decoded and its body's {@code deployment} field decides, as before. When both are
 * present, a header naming this deployment still lets the body decide.
 */
public final class DeploymentHeader {

  /** The header's key. */
  public static final String NAME = "calmon-deployment";

  private DeploymentHeader() {}

  /** Headers holding only the deployment header, for a {@code ProducerRecord}. */
  public static Headers of(String deployment) {
    return new RecordHeaders().add(NAME, deployment.getBytes(StandardCharsets.UTF_8));
  }

  /** The deployment the last {@code calmon-deployment} header names, or null without one. */
  static String read(Headers headers) {
    Header header = headers.lastHeader(NAME);
    return header == null || header.value() == null
        ? null
        : new String(header.value(), StandardCharsets.UTF_8);
  }
}
