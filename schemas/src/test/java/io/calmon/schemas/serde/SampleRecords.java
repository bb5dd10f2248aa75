package io.calmon.schemas.serde;

import io.calmon.schemas.Alert;
import io.calmon.schemas.CalibrationGroup;
import io.calmon.schemas.CalibrationReport;
import io.calmon.schemas.ClassProbability;
import io.calmon.schemas.ClassSet;
import io.calmon.schemas.DeadLetter;
import io.calmon.schemas.ImageEvent;
import io.calmon.schemas.Label;
import io.calmon.schemas.Prediction;
import io.calmon.schemas.PromptVersion;
import io.calmon.schemas.ReliabilityBin;
import io.calmon.schemas.RetrainRequest;
import io.calmon.schemas.Severity;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;

/** One fully populated record of every contract, for round-trip tests. */
final class SampleRecords {
  static final Instant T0 = Instant.parse("2026-11-27T10:15:30.123Z");

  private SampleRecords() {}

  static List<SpecificRecord> all() {
    return List.of(
        imageEvent(),
        prediction(),
        Label.newBuilder()
            .setEventId("img-1")
            .setTrueClass("red circle")
            .setLabelledAt(T0.plusSeconds(60))
            .setSource("annotator-7")
            .build(),
        PromptVersion.newBuilder()
            .setDeployment("default")
            .setVersion(3)
            .setParentVersion(2L)
            .setCreatedAt(T0)
            .setMethod("coop+dor")
            .setHyperParameters(Map.of("lambda", "8", "n_ctx", "2"))
            .setBackboneId("calmon-world-tiny")
            .setWeightsSha256("ab".repeat(32))
            .setTemplate("a photo of a {}.")
            .setNCtx(2)
            .setCtxDim(2)
            .setContextVectors(List.of(0.1f, -0.2f, 0.3f, 0.4f))
            .setBaseClasses(List.of("red circle"))
            .setTemperature(1.25)
            .setMetrics(Map.of("val_base_ece", 0.031))
            .setTriggerId(UUID.randomUUID().toString())
            .build(),
        ClassSet.newBuilder()
            .setDeployment("default")
            .setVersion(1)
            .setCreatedAt(T0)
            .setClassNames(List.of("red circle", "blue square"))
            .build(),
        report(),
        Alert.newBuilder()
            .setAlertId(UUID.randomUUID())
            .setDeployment("default")
            .setPromptVersion(3)
            .setGroup(CalibrationGroup.NEW)
            .setRule("ece-above-threshold")
            .setSeverity(Severity.WARNING)
            .setRaisedAt(T0)
            .setThreshold(0.05)
            .setObserved(0.12)
            .setMessage("new-class ECE 12.0% > 5.0% for 3 windows")
            .setEvidence(List.of(report()))
            .build(),
        RetrainRequest.newBuilder()
            .setRequestId(UUID.randomUUID())
            .setDeployment("default")
            .setRequestedAt(T0)
            .setCurrentPromptVersion(3)
            .setReason("new-class ECE above threshold")
            .setAlertId(UUID.randomUUID())
            .build(),
        DeadLetter.newBuilder()
            .setSourceTopic("image-events")
            .setSourcePartition(2)
            .setSourceOffset(42)
            .setOriginalKey(ByteBuffer.wrap(new byte[] {1, 2}))
            .setOriginalValue(ByteBuffer.wrap(new byte[] {3, 4, 5}))
            .setService("scorer/scorer-1")
            .setErrorType("CORRUPT_IMAGE")
            .setErrorMessage("not a PNG or JPEG")
            .setFailedAt(T0)
            .build());
  }

  static ImageEvent imageEvent() {
    return ImageEvent.newBuilder()
        .setEventId("img-1")
        .setEventTime(T0)
        .setImageBytes(ByteBuffer.wrap(new byte[] {(byte) 0x89, 'P', 'N', 'G'}))
        .setContentType("image/png")
        .setSource("camera-3")
        .setAttributes(Map.of("site", "north"))
        .build();
  }

  static Prediction prediction() {
    return Prediction.newBuilder()
        .setEventId("img-1")
        .setEventTime(T0)
        .setScoredAt(T0.plusMillis(40))
        .setPromptVersion(0)
        .setClassSetVersion(1)
        .setPredictedClass("red circle")
        .setConfidence(0.75)
        .setGroup(CalibrationGroup.NEW)
        .setTopK(List.of(new ClassProbability("red circle", 0.75), new ClassProbability("x", 0.25)))
        .setEntropy(0.5623)
        .setSumSquaredProbability(0.625)
        .setClassProbabilities(List.of(0.75f, 0.25f))
        .setScorerId("scorer-1")
        .build();
  }

  static CalibrationReport report() {
    return CalibrationReport.newBuilder()
        .setDeployment("default")
        .setPromptVersion(3)
        .setGroup(CalibrationGroup.ALL)
        .setWindowStart(T0)
        .setWindowEnd(T0.plusSeconds(3600))
        .setEmittedAt(T0.plusSeconds(3700))
        .setFinal$(true)
        .setScoredCount(100)
        .setLabelledCount(80)
        .setAccuracy(0.8)
        .setMeanConfidence(0.85)
        .setEce(0.05)
        .setEceCiLow(0.02)
        .setEceCiHigh(0.09)
        .setAce(0.06)
        .setMce(0.2)
        .setMceWeighted(0.03)
        .setBrier(0.3)
        .setNll(0.7)
        .setBinCount(1)
        .setBins(List.of(new ReliabilityBin(0.0, 1.0, 80L, 0.85, 0.8)))
        .setConfidencePsi(0.01)
        .setNewClassShare(0.4)
        .build();
  }
}
