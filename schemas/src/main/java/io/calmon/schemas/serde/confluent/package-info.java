/**
 * Confluent Schema Registry support: {@link io.calmon.schemas.serde.confluent.SchemaRegistryClient}
 * (the registry's REST API for registering a schema and fetching one by id, over the JDK's HTTP
 * client), {@link io.calmon.schemas.serde.confluent.ConfluentCodec} (Confluent's wire format: magic
 * byte 0, 4-byte schema id, Avro binary body) and {@link
 * io.calmon.schemas.serde.confluent.AnyFormatCodec} (reads both that format and Avro single-object
 * encoding, for a migration between them).
 */
package io.calmon.schemas.serde.confluent;
