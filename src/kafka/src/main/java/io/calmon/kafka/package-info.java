/**
 * Kafka plumbing shared by the services: topic handles, serdes, dead letters, the embedded broker.
 */
package io.calmon.kafka;
