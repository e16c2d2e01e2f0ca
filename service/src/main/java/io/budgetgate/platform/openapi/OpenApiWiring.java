package io.budgetgate.platform.openapi;

import io.dropwizard.core.setup.Environment;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Serves {@code GET /openapi.json}, generated at startup from the resource classes it is given. */
public final class OpenApiWiring {
  private OpenApiWiring() {}

  /**
   * Call after every feature has registered its resources: a JSON resource the list leaves out
   * would be served but undocumented, so startup fails instead (HTML pages and {@link Hidden}
   * resources are not part of the JSON API and need not be listed).
   */
  public static void wire(List<Class<?>> resources, Environment environment) {
    // Dropwizard lists resources registered as instances among the classes too.
    Set<Class<?>> undocumented = environment.jersey().getResourceConfig().getClasses().stream()
        .filter(OpenApiWiring::isJsonApi)
        .filter(type -> !resources.contains(type))
        .collect(Collectors.toSet());
    if (!undocumented.isEmpty()) {
      throw new IllegalStateException("JSON resources served but missing from /openapi.json: "
          + undocumented.stream().map(Class::getSimpleName).sorted().toList()
          + "; list them with the others given to OpenApiWiring, or mark them @Hidden");
    }
    String document = OpenApiDocument.generate(resources, environment.getObjectMapper());
    environment.jersey().register(new OpenApiResource(document));
  }

  private static boolean isJsonApi(Class<?> type) {
    Produces produces = type.getAnnotation(Produces.class);
    return type.isAnnotationPresent(Path.class) && !type.isAnnotationPresent(Hidden.class)
        && (produces == null || Arrays.asList(produces.value()).contains(MediaType.APPLICATION_JSON));
  }
}
