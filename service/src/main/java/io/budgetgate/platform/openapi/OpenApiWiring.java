package io.budgetgate.platform.openapi;

import io.dropwizard.core.setup.Environment;
import jakarta.ws.rs.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Serves {@code GET /openapi.json}, generated at startup from the resource classes it is given. */
public final class OpenApiWiring {
  private OpenApiWiring() {}

  /**
   * Call after every feature has registered its resources: a resource the list leaves out would
   * be served but undocumented, so startup fails instead.
   */
  public static void wire(List<Class<?>> resources, Environment environment) {
    Set<Class<?>> served = Stream.concat(
            environment.jersey().getResourceConfig().getClasses().stream(),
            environment.jersey().getResourceConfig().getInstances().stream().filter(Objects::nonNull).map(Object::getClass))
        .filter(type -> type.isAnnotationPresent(Path.class))
        .collect(Collectors.toSet());
    if (!resources.containsAll(served)) {
      throw new IllegalStateException("resources served but missing from /openapi.json: "
          + served.stream().filter(type -> !resources.contains(type)).map(Class::getSimpleName).toList());
    }
    String document = OpenApiDocument.generate(resources, environment.getObjectMapper());
    environment.jersey().register(new OpenApiResource(document));
  }
}
