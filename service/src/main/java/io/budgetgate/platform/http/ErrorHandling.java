package io.budgetgate.platform.http;

import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.core.setup.Environment;

/**
 * Replaces Dropwizard's default exception mappers with ours, so every error has one shape, and
 * hands the JSON writer only the annotations it reads ({@link JacksonAnnotationsOnly}).
 */
public final class ErrorHandling {
  private ErrorHandling() {}

  public static void install(ServerFactory serverFactory, Environment environment) {
    if (serverFactory instanceof AbstractServerFactory factory) {
      factory.setRegisterDefaultExceptionMappers(false);
    }
    environment.jersey().register(new ServiceExceptionMapper());
    environment.jersey().register(new JsonInputExceptionMapper());
    environment.jersey().register(new WebApplicationExceptionMapper());
    environment.jersey().register(new DatabaseExceptionMapper());
    environment.jersey().register(new UnexpectedExceptionMapper());
    environment.jersey().register(new JacksonAnnotationsOnly());
  }
}
