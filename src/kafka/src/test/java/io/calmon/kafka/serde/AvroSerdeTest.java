package io.calmon.kafka.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.calmon.schemas.ClassSet;
import io.calmon.schemas.Label;
import io.calmon.schemas.serde.RecordDecodingException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private final AvroSerde<ClassSet> serde = AvroSerde.of(ClassSet.class);

  @Test
  void shouldRoundTripThroughKafkasSerializerInterfaces() {
    ClassSet classes =
        ClassSet.newBuilder()
            .setDeployment("default")
            .setVersion(2)
            .setCreatedAt(Instant.ofEpochMilli(1_000))
            .setClassNames(List.of("red circle", "blue square"))
            .build();
    byte[] bytes = serde.serializer().serialize("class-sets", classes);
    assertEquals(classes, serde.deserializer().deserialize("class-sets", bytes));
  }

  @Test
  void shouldKeepTombstonesNull() {
    assertNull(serde.serialize("class-sets", null));
    assertNull(serde.deserialize("class-sets", null));
  }

  @Test
  void shouldRejectAnotherRecordTypeWithTheReason() {
    byte[] label =
        AvroSerde.of(Label.class)
            .serialize(
                "labels",
                Label.newBuilder()
                    .setEventId("e")
                    .setTrueClass("c")
                    .setLabelledAt(Instant.EPOCH)
                    .build());
    RecordDecodingException e =
        assertThrows(RecordDecodingException.class, () -> serde.deserialize("class-sets", label));
    assertEquals(RecordDecodingException.Reason.WRONG_RECORD_TYPE, e.reason());
  }
}
