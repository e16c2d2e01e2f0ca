package io.budgetgate.platform.http;

import io.dropwizard.core.server.AbstractServerFactory;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.core.server.ServerFactory;

/** Replaces Dropwizard's default exception mappers with ours, so every error has one shape. */
public final class ErrorHandling {
  private ErrorHandling() {}

  public static void install(ServerFactory serverFactory, Environment environment) {
    if (serverFactory instanceof AbstractServerFactory factory) {
      factory.setRegisterDefaultExceptionMappers(false);
    }
    environment.jersey().register(new ApiExceptionMapper());
    environment.jersey().register(new JsonInputExceptionMapper());
    environment.jersey().register(new WebApplicationExceptionMapper());
    environment.jersey().register(new DatabaseExceptionMapper());
    environment.jersey().register(new UnexpectedExceptionMapper());
  }
}
