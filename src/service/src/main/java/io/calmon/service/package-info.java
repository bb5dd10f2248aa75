/**
 * Plumbing shared by calmon's long-running services (monitor, scorer, trainer): layered
 * configuration validated once at start-up ({@link io.calmon.service.LayeredConfig}) and a small
 * Prometheus metrics endpoint ({@link io.calmon.service.MetricsServer}).
 */
package io.calmon.service;
