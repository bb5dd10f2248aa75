package io.calmon.schemas.serde.confluent;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.calmon.schemas.Label;
import io.calmon.schemas.serde.AvroCodec;
import io.calmon.schemas.state.PendingJoin;
import org.junit.jupiter.api.Test;

/** Codecs are made once (a serde asks per record), and internal state stays single-object. */
class ValueFormatTest {

  @Test
  void shouldMakeEachCodecOnce() {
    ValueFormat single = ValueFormat.singleObject();
    assertSame(single.codec(Label.class, "labels"), single.codec(Label.class, "other"));
    assertInstanceOf(AvroCodec.class, single.codec(Label.class, "labels"));

    ValueFormat confluent =
        ValueFormat.confluent(SchemaRegistryClient.builder("http://127.0.0.1:1").build());
    assertSame(confluent.codec(Label.class, "labels"), confluent.codec(Label.class, "labels"));
    assertNotSame(confluent.codec(Label.class, "labels"), confluent.codec(Label.class, "other"));
    assertInstanceOf(AnyFormatCodec.class, confluent.codec(Label.class, "labels"));
    assertInstanceOf(AvroCodec.class, confluent.codec(PendingJoin.class, "changelog"));
  }
}
