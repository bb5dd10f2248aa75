package io.calmon.scorer;

import io.calmon.clip.ClipModel;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.serde.RecordDecodingException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Turns one micro-batch of image-event records into the records to produce: a prediction per good
 * event, a dead letter per bad one. No Kafka I/O: {@link ScorerService} sends the result in one
 * transaction with the batch's offsets. Images go through the encoder in chunks of at most the
 * configured batch size; the whole batch uses one {@link ScoringContext}, so it never mixes prompt
 * versions.
 */
final class BatchScorer {

  /** What one batch produced. */
  record Result(
      List<ProducerRecord<byte[], byte[]>> records,
      List<Instant> predictionEventTimes,
      List<String> deadLetterTypes,
      int skipped) {}

  private final ScorerConfig config;
  private final ClipModel clip;
  private final ImageSource images;
  private final PredictionBuilder predictions;
  private final Clock clock;
  private final AvroCodec<ImageEvent> eventCodec = AvroCodec.of(ImageEvent.class);
  private final AvroCodec<Prediction> predictionCodec = AvroCodec.of(Prediction.class);
  private final AvroCodec<DeadLetter> deadLetterCodec = AvroCodec.of(DeadLetter.class);

  BatchScorer(ScorerConfig config, ClipModel clip, Clock clock) {
    this.config = config;
    this.clip = clip;
    this.clock = clock;
    this.images =
        new ImageSource(
            clip.config().vision().imageSize(), config.maxPixels(), config.maxImageBytes());
    this.predictions =
        new PredictionBuilder(config.topK(), config.fullProbabilitiesMax(), config.instanceId());
  }

  Result score(List<ConsumerRecord<byte[], byte[]>> batch, ScoringContext context) {
    List<ProducerRecord<byte[], byte[]>> out = new ArrayList<>(batch.size());
    List<String> deadLetterTypes = new ArrayList<>();
    List<ImageEvent> events = new ArrayList<>(batch.size());
    List<float[]> pixels = new ArrayList<>(batch.size());
    int skipped = 0;
    for (ConsumerRecord<byte[], byte[]> r : batch) {
      try {
        ImageEvent event = eventCodec.decode(r.value());
        if (!config.deployment().equals(event.getDeployment())) {
          skipped++; // another deployment's scorers (another consumer group) score it
          continue;
        }
        pixels.add(images.pixels(event));
        events.add(event);
      } catch (RecordDecodingException e) {
        out.add(deadLetter(r, e.reason().name(), e.getMessage()));
        deadLetterTypes.add(e.reason().name());
      } catch (BadRecordException e) {
        out.add(deadLetter(r, e.errorType(), e.getMessage()));
        deadLetterTypes.add(e.errorType());
      }
    }
    List<Instant> eventTimes = new ArrayList<>(events.size());
    for (int start = 0; start < events.size(); start += config.batchSize()) {
      int end = Math.min(events.size(), start + config.batchSize());
      float[][] logits = context.logits(clip.imageFeatures(pixels.subList(start, end)));
      Instant scoredAt = clock.instant();
      for (int i = start; i < end; i++) {
        ImageEvent event = events.get(i);
        Prediction p = predictions.build(event, context, logits[i - start], scoredAt);
        out.add(
            new ProducerRecord<>(
                config.topics().predictions().name(),
                null,
                event.getEventTime().toEpochMilli(), // the monitor windows by event time
                event.getEventId().getBytes(StandardCharsets.UTF_8),
                predictionCodec.encode(p)));
        eventTimes.add(event.getEventTime());
      }
    }
    return new Result(out, eventTimes, deadLetterTypes, skipped);
  }

  private ProducerRecord<byte[], byte[]> deadLetter(
      ConsumerRecord<byte[], byte[]> r, String errorType, String message) {
    DeadLetter letter =
        DeadLetter.newBuilder()
            .setSourceTopic(r.topic())
            .setSourcePartition(r.partition())
            .setSourceOffset(r.offset())
            .setOriginalKey(r.key() == null ? null : ByteBuffer.wrap(r.key()))
            .setOriginalValue(r.value() == null ? null : ByteBuffer.wrap(r.value()))
            .setService(config.serviceName())
            .setErrorType(errorType)
            .setErrorMessage(String.valueOf(message))
            .setFailedAt(clock.instant())
            .build();
    return new ProducerRecord<>(
        config.topics().deadLetters().name(), r.key(), deadLetterCodec.encode(letter));
  }
}
