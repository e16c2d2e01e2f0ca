package io.budgetgate.platform;

import io.dropwizard.core.setup.Environment;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Every Dropwizard metric (JVM, Jetty, Jersey, database pool, and the business metrics the
 * features register) in Prometheus text format on the admin port, {@code /metrics/prometheus}.
 */
public final class PrometheusWiring {
  public static final String PATH = "/metrics/prometheus";

  private PrometheusWiring() {}

  public static void wire(Environment environment) {
    PrometheusRegistry registry = new PrometheusRegistry();
    registry.register(new DropwizardExports(environment.metrics()));
    environment.admin().addServlet("prometheus", new PrometheusMetricsServlet(registry)).addMapping(PATH);
  }
}
