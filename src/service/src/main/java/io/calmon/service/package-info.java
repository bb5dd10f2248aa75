/**
 * Plumbing shared by calmon's long-running services (monitor, scorer, trainer): layered
 * configuration validated once at start-up ({@link io.calmon.service.LayeredConfig}), metrics on
 * Micrometer's Prometheus registry ({@link io.calmon.service.MetricsRegistry}) and a small endpoint
 * that serves them ({@link io.calmon.service.MetricsServer}).
 */
package io.calmon.service;
