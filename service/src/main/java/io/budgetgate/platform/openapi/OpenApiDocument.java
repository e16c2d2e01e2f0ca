package io.budgetgate.platform.openapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.budgetgate.platform.http.ApiError;
import io.swagger.v3.core.converter.ModelConverter;
import io.swagger.v3.core.converter.ModelConverters;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.core.util.Json;
import io.swagger.v3.jaxrs2.Reader;
import io.swagger.v3.oas.integration.SwaggerConfiguration;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.security.SecurityScheme;
import java.util.LinkedHashSet;
import java.util.List;

/** Generates the OpenAPI description of the given resource classes as JSON text. */
final class OpenApiDocument {
  /** The resolver this class put into swagger's global converter list, replaced on each generation. */
  private static ModelConverter installedResolver;

  private OpenApiDocument() {}

  /**
   * Reads only the listed classes (no classpath scan). Schemas take their property names from a
   * copy of the application's ObjectMapper, so they are spelled as on the wire (snake_case).
   */
  static synchronized String generate(List<Class<?>> resources, ObjectMapper wireMapper) {
    useNamingOf(wireMapper);
    Components components = new Components()
        .addSecuritySchemes(BearerRoles.SCHEME, new SecurityScheme()
            .type(SecurityScheme.Type.HTTP).scheme("bearer")
            .description("A token configured (by its SHA-256) with role admin, platform or viewer"));
    components.setSchemas(ModelConverters.getInstance().readAll(ApiError.class));
    ErrorResponses.addTo(components);
    OpenAPI base = new OpenAPI()
        .info(new Info().title("BudgetGate").version("v1")
            .description("Per-tenant LLM budget enforcement beside a LiteLLM proxy. JSON, snake_case. "
                + "Every error body is an ApiError: {code, error, message, details?}."))
        .components(components);
    OpenAPI api = new Reader(new SwaggerConfiguration().openAPI(base)).read(new LinkedHashSet<>(resources));
    BearerRoles.apply(api, resources);
    try {
      return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(api);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the OpenAPI document", e);
    }
  }

  /** Swagger keeps its converters in a JVM-wide list: replace ours rather than pile up copies. */
  private static void useNamingOf(ObjectMapper wireMapper) {
    ModelConverters converters = ModelConverters.getInstance();
    if (installedResolver != null) {
      converters.removeConverter(installedResolver);
    }
    installedResolver = new ModelResolver(wireMapper.copy());
    converters.addConverter(installedResolver);
  }
}
