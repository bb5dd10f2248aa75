package io.calmon.scorer;

import io.calmon.clip.ClipModel;
import io.calmon.clip.image.ImageLoader;
import io.calmon.clip.image.ImageRejectedException;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.serde.RecordCodec;
import io.calmon.schemas.serde.RecordDecodingException;
import io.calmon.schemas.serde.confluent.ValueFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one micro-batch of image-event records into the records to produce: a prediction per good
 * event, a dead letter per bad one, nothing for another deployment's. In two steps: {@link
 * #prepare} per record (on {@link DecodePipeline}'s threads), {@link #encode} per batch (on the
 * scoring thread). No Kafka I/O: {@link ScorerService} sends the result in its open transaction and
 * commits it with the offsets. Images go through the encoder in chunks of at most the configured
 * batch size; the whole batch uses one {@link ScoringContext}, so it never mixes prompt versions.
 *
 * <p>Validation happens here, before anything is sent, so no record can make a send or the
 * transaction fail: besides undecodable bodies and unusable images ({@link ImageLoader}), a missing
 * record key or event id and an event time that is negative or further ahead than {@link
 * ScorerConfig#maxFutureSkew()} are dead-lettered. A dead letter never exceeds what the producer
 * may send: a kept original value (or key) too large for it is cut, and its message says so.
 */
final class BatchScorer {

  private static final Logger LOG = LoggerFactory.getLogger(BatchScorer.class);

  /** Room in a dead letter for its fields, its message and the record's framing. */
  static final int DEAD_LETTER_OVERHEAD = 16 << 10;

  /** The most bytes of an original key a dead letter keeps (as its key and in its body). */
  static final int KEPT_KEY_BYTES = 1024;

  /** The most characters of a reason a dead letter carries. */
  static final int MESSAGE_CHARS = 2000;

  /**
   * One input record and what it became.
   *
   * @param skippedByHeader another deployment's event recognised from its {@link DeploymentHeader}
   *     alone, its body never decoded
   */
  record Scored(
      ConsumerRecord<byte[], byte[]> input,
      ProducerRecord<byte[], byte[]> output,
      String deadLetterType,
      Instant eventTime,
      boolean skippedByHeader) {

    Scored(
        ConsumerRecord<byte[], byte[]> input,
        ProducerRecord<byte[], byte[]> output,
        String deadLetterType,
        Instant eventTime) {
      this(input, output, deadLetterType, eventTime, false);
    }

    /** Another deployment's event: nothing to send, only the offset to commit. */
    boolean skipped() {
      return output == null;
    }

    boolean isPrediction() {
      return output != null && deadLetterType == null;
    }
  }

  private final ScorerConfig config;
  private final ClipModel clip;
  private final ImageLoader images;
  private final PredictionBuilder predictions;
  private final Clock clock;
  private final int maxRequestBytes;
  private final RecordCodec<ImageEvent> eventCodec;
  private final RecordCodec<Prediction> predictionCodec;
  private final RecordCodec<DeadLetter> deadLetterCodec;

  /**
   * @param maxRequestBytes the producer's {@code max.request.size}: no dead letter is larger
   */
  BatchScorer(ScorerConfig config, ClipModel clip, Clock clock, int maxRequestBytes) {
    this.config = config;
    this.clip = clip;
    this.clock = clock;
    this.maxRequestBytes = maxRequestBytes;
    ValueFormat format = config.kafka().valueFormat();
    this.eventCodec = format.codec(ImageEvent.class, config.topics().imageEvents().name());
    this.predictionCodec = format.codec(Prediction.class, config.topics().predictions().name());
    this.deadLetterCodec = format.codec(DeadLetter.class, config.topics().deadLetters().name());
    this.images = new ImageLoader(clip.config().vision().imageSize(), config.imageLimits());
    this.predictions =
        new PredictionBuilder(config.topK(), config.fullProbabilitiesMax(), config.instanceId());
  }

  /**
   * A record ready for the model: either already final ({@code done}: a dead letter or a skip) or
   * an event with its preprocessed image.
   */
  record Prepared(
      ConsumerRecord<byte[], byte[]> input, Scored done, ImageEvent event, float[] pixels) {}

  /** What each record of {@code batch} became, in the batch's order. */
  List<Scored> score(List<ConsumerRecord<byte[], byte[]>> batch, ScoringContext context) {
    return encode(batch.stream().map(this::prepare).toList(), context);
  }

  /**
   * Everything before the model, for one record: the header check, decoding, validation, loading
   * and preprocessing the image. Thread-safe: {@link DecodePipeline} runs it on its threads.
   */
  Prepared prepare(ConsumerRecord<byte[], byte[]> r) {
    String named = DeploymentHeader.read(r.headers());
    if (named != null && !named.equals(config.deployment())) {
      return new Prepared(r, new Scored(r, null, null, null, true), null, null); // not decoded
    }
    try {
      ImageEvent event = eventCodec.decode(r.value());
      if (!config.deployment().equals(event.getDeployment())) {
        return new Prepared(r, new Scored(r, null, null, null), null, null); // theirs to score
      }
      validate(r, event);
      float[] pixels =
          images.pixels("event " + event.getEventId(), event.getImageBytes(), event.getImageUri());
      return new Prepared(r, null, event, pixels);
    } catch (RecordDecodingException e) {
      return new Prepared(r, deadLetter(r, e.reason().name(), e.getMessage()), null, null);
    } catch (ImageRejectedException e) {
      LOG.debug("{}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.getMessage(), e);
      return new Prepared(r, deadLetter(r, e.reason().name(), e.getMessage()), null, null);
    } catch (BadRecordException e) {
      return new Prepared(r, deadLetter(r, e.errorType(), e.getMessage()), null, null);
    }
  }

  /**
   * The model's part: the prepared images through the image encoder (in chunks of at most the batch
   * size) against one {@link ScoringContext}, and a prediction record for each; what each record
   * became, in the given order.
   */
  List<Scored> encode(List<Prepared> batch, ScoringContext context) {
    Scored[] out = new Scored[batch.size()];
    List<Integer> good = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      if (batch.get(i).done() != null) {
        out[i] = batch.get(i).done();
      } else {
        good.add(i);
      }
    }
    for (int start = 0; start < good.size(); start += config.batchSize()) {
      int end = Math.min(good.size(), start + config.batchSize());
      List<float[]> pixels = new ArrayList<>(end - start);
      for (int i = start; i < end; i++) {
        pixels.add(batch.get(good.get(i)).pixels());
      }
      float[][] features = clip.imageFeatures(pixels);
      float[][] logits = context.logits(features); // [images, classes]
      float[][] zeroShotLogits = context.zeroShotLogits(features, logits);
      Instant scoredAt = clock.instant();
      for (int i = start; i < end; i++) {
        Prepared prepared = batch.get(good.get(i));
        ImageEvent event = prepared.event();
        Prediction p =
            predictions.build(
                event, context, logits[i - start], zeroShotLogits[i - start], scoredAt);
        ProducerRecord<byte[], byte[]> record =
            new ProducerRecord<>(
                config.topics().predictions().name(),
                null,
                event.getEventTime().toEpochMilli(), // the monitor windows by event time
                event.getEventId().getBytes(StandardCharsets.UTF_8),
                predictionCodec.encode(p));
        out[good.get(i)] = new Scored(prepared.input(), record, null, event.getEventTime());
      }
    }
    return Arrays.asList(out);
  }

  /** Refuses what would make the prediction's send fail or mislead its consumers. */
  private void validate(ConsumerRecord<byte[], byte[]> r, ImageEvent event) {
    if (r.key() == null || r.key().length == 0) {
      throw new BadRecordException(
          "MISSING_KEY",
          "event "
              + event.getEventId()
              + " has "
              + (r.key() == null ? "no record key" : "an empty record key")
              + "; image-events are keyed by event id");
    }
    if (event.getEventId().isBlank()) {
      throw new BadRecordException("MISSING_EVENT_ID", "the event has a blank event_id");
    }
    Instant now = clock.instant();
    Duration ahead = Duration.between(now, event.getEventTime());
    // The same error types as the monitor's for the same faults.
    if (event.getEventTime().toEpochMilli() < 0) {
      throw new BadRecordException(
          "INVALID_TIME",
          "event "
              + event.getEventId()
              + " has event_time "
              + event.getEventTime()
              + ", before 1970: a record cannot carry a negative timestamp");
    }
    if (ahead.compareTo(config.maxFutureSkew()) > 0) {
      throw new BadRecordException(
          "EVENT_TIME_IN_FUTURE",
          "event "
              + event.getEventId()
              + " has event_time "
              + event.getEventTime()
              + ", "
              + ahead.toSeconds()
              + " s ahead of the scorer's clock ("
              + now
              + "); at most "
              + config.maxFutureSkew().toSeconds()
              + " s ahead is accepted");
    }
  }

  /**
   * A dead letter for {@code r}, never larger than the producer's {@code max.request.size}: an
   * original key over {@link #KEPT_KEY_BYTES} or a value over what is left keeps only its prefix,
   * and the message says so with the original length.
   */
  Scored deadLetter(ConsumerRecord<byte[], byte[]> r, String errorType, String message) {
    StringBuilder text = new StringBuilder(cut(String.valueOf(message)));
    byte[] key = r.key();
    if (key != null && key.length > KEPT_KEY_BYTES) {
      text.append(truncated("key", KEPT_KEY_BYTES, key.length));
      key = Arrays.copyOf(key, KEPT_KEY_BYTES);
    }
    byte[] value = r.value();
    int keyBytes = key == null ? 0 : key.length;
    // Twice the key (record key and original_key), the message at its UTF-8 worst, the framing.
    int room =
        Math.max(0, maxRequestBytes - DEAD_LETTER_OVERHEAD - 2 * keyBytes - 3 * MESSAGE_CHARS);
    if (value != null && value.length > room) {
      text.append(truncated("value", room, value.length));
      value = Arrays.copyOf(value, room);
    }
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setSourceTopic(r.topic())
            .setSourcePartition(r.partition())
            .setSourceOffset(r.offset())
            .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
            .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
            .setService(config.serviceName())
            .setErrorType(errorType)
            .setErrorMessage(text.toString())
            .setFailedAt(clock.instant())
            .build();
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(
            config.topics().deadLetters().name(), key, deadLetterCodec.encode(letter));
    return new Scored(r, record, errorType, null);
  }

  private static String cut(String message) {
    return message.length() <= MESSAGE_CHARS
        ? message
        : message.substring(0, MESSAGE_CHARS - 3) + "...";
  }

  private static String truncated(String what, int kept, int length) {
    return " (original "
        + what
        + " truncated to its first "
        + kept
        + " of "
        + length
        + " bytes to fit the dead-letter topic)";
  }
}
