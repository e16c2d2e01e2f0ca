package io.budgetgate.platform.openapi;

import io.budgetgate.platform.auth.RequiresRole;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import jakarta.ws.rs.HttpMethod;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Documents the bearer check from the same {@link RequiresRole} annotations the auth filter reads:
 * the security requirement, the role (as {@code x-required-role} and in the description) and the
 * 401 and 403 answers, so the document cannot drift from what the service enforces.
 */
final class BearerRoles {
  static final String SCHEME = "bearer";
  static final String ROLE_EXTENSION = "x-required-role";

  private BearerRoles() {}

  static void apply(OpenAPI api, List<Class<?>> resources) {
    Map<String, io.swagger.v3.oas.models.Operation> byId = operationsById(api);
    for (Class<?> resource : resources) {
      for (Method method : resource.getMethods()) {
        if (!isResourceMethod(method)) {
          continue;
        }
        String id = operationId(resource, method);
        io.swagger.v3.oas.models.Operation operation = byId.get(id);
        if (operation == null) {
          throw new IllegalStateException("operation '" + id + "' is missing from the generated document");
        }
        RequiresRole role = method.isAnnotationPresent(RequiresRole.class)
            ? method.getAnnotation(RequiresRole.class) : resource.getAnnotation(RequiresRole.class);
        if (role != null) {
          require(operation, role.value().wireName());
        }
        operation.setResponses(sortedByCode(operation.getResponses()));
      }
    }
  }

  private static void require(io.swagger.v3.oas.models.Operation operation, String role) {
    operation.addSecurityItem(new SecurityRequirement().addList(SCHEME));
    operation.addExtension(ROLE_EXTENSION, role);
    String needs = "Needs a bearer token with role `" + role + "` or higher.";
    operation.setDescription(operation.getDescription() == null ? needs : operation.getDescription() + "\n\n" + needs);
    operation.getResponses().addApiResponse("401", new ApiResponse().$ref(ErrorResponses.UNAUTHORIZED));
    operation.getResponses().addApiResponse("403", new ApiResponse().$ref(ErrorResponses.FORBIDDEN));
  }

  /** Every documented method names its operation, so its entry can be found here. */
  private static String operationId(Class<?> resource, Method method) {
    Operation annotation = method.getAnnotation(Operation.class);
    if (annotation == null || annotation.operationId().isBlank()) {
      throw new IllegalStateException(resource.getSimpleName() + "." + method.getName()
          + " needs @Operation(operationId = ...) to appear in /openapi.json");
    }
    return annotation.operationId();
  }

  private static boolean isResourceMethod(Method method) {
    return Arrays.stream(method.getAnnotations())
        .anyMatch(a -> a.annotationType().isAnnotationPresent(HttpMethod.class));
  }

  private static Map<String, io.swagger.v3.oas.models.Operation> operationsById(OpenAPI api) {
    Map<String, io.swagger.v3.oas.models.Operation> byId = new HashMap<>();
    for (PathItem item : api.getPaths().values()) {
      item.readOperations().forEach(operation -> byId.put(operation.getOperationId(), operation));
    }
    return byId;
  }

  private static ApiResponses sortedByCode(ApiResponses responses) {
    ApiResponses sorted = new ApiResponses();
    responses.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
        .forEach(e -> sorted.addApiResponse(e.getKey(), e.getValue()));
    return sorted;
  }
}
