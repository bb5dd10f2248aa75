package io.calmon.schemas.serde;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class SchemaStoreTest {

  @Test
  void shouldHoldTheCurrentVersionOfEveryContract() {
    SchemaStore store = SchemaStore.standard();
    for (Class<? extends SpecificRecord> type : SchemaStore.CURRENT_RECORDS) {
      Schema current = SpecificData.get().getSchema(type);
      assertNotNull(store.findByFingerprint(SchemaStore.fingerprint(current)), type.getName());
    }
  }

  @Test
  void shouldHoldEveryPastVersionAndReadItAsTheCurrentOne() {
    List<Schema> history = SchemaStore.loadHistory(getClass().getClassLoader());
    assertFalse(history.isEmpty(), "the history index lists past versions");
    for (Schema past : history) {
      assertTrue(SchemaStore.standard().find(SchemaStore.fingerprint(past)).isPresent());
      Schema current = currentVersionOf(past.getFullName());
      // Guard for every future schema change: old writers must stay readable.
      assertEquals(
          SchemaCompatibilityType.COMPATIBLE,
          SchemaCompatibility.checkReaderWriterCompatibility(current, past).getType(),
          past.getFullName() + " past version is not readable by the current one");
    }
  }

  @Test
  void shouldListAllVersionsOfOneRecord() {
    assertEquals(2, SchemaStore.standard().versionsOf("io.calmon.schemas.ImageEvent").size());
    assertEquals(1, SchemaStore.standard().versionsOf("io.calmon.schemas.Label").size());
  }

  @Test
  void shouldIgnoreRegisteringTheSameSchemaTwice() {
    SchemaStore store = new SchemaStore();
    Schema schema = SpecificData.get().getSchema(io.calmon.schemas.Label.class);
    assertEquals(store.register(schema), store.register(schema));
    assertEquals(1, store.versionsOf(schema.getFullName()).size());
  }

  /** The generated class's schema: a topic contract or a state record (e.g. trainer state). */
  private static Schema currentVersionOf(String fullName) {
    try {
      return SpecificData.get().getSchema(Class.forName(fullName));
    } catch (ClassNotFoundException e) {
      throw new AssertionError("no current record named " + fullName, e);
    }
  }
}
