/** Avro contracts of every calmon topic, and the codecs that read and write them. */
package io.calmon.schemas;
