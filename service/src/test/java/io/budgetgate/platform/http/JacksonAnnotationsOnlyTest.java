package io.budgetgate.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import com.fasterxml.jackson.annotation.JsonView;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Produces;
import java.lang.annotation.Annotation;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import org.junit.jupiter.api.Test;

class JacksonAnnotationsOnlyTest {
  interface Summary {}

  @Retention(RetentionPolicy.RUNTIME)
  @JacksonAnnotationsInside
  @JsonView(Summary.class)
  @interface SummaryView {}

  @GET
  @Produces("application/json")
  @Operation(operationId = "sample", summary = "a resource method as ours are annotated")
  @ApiResponse(responseCode = "200", description = "ok")
  @ApiResponse(responseCode = "404", description = "unknown")
  @JsonView(Summary.class)
  @SummaryView
  void annotated() {}

  @GET
  @Operation(operationId = "plain")
  void openApiOnly() {}

  private static Annotation[] of(String method) throws NoSuchMethodException {
    return JacksonAnnotationsOnlyTest.class.getDeclaredMethod(method).getAnnotations();
  }

  @Test
  void jacksonsOwnAnnotationsStayAsTheyAre() throws Exception {
    Annotation[] all = of("annotated");

    Annotation[] kept = JacksonAnnotationsOnly.jacksonOnly(all);

    assertThat(all).hasSize(6); // GET, Produces, Operation, ApiResponses (the repeated container), JsonView, SummaryView
    assertThat(kept).extracting(Annotation::annotationType).containsExactlyInAnyOrder(JsonView.class, SummaryView.class);
    JsonView view = JacksonAnnotationsOnlyTest.class.getDeclaredMethod("annotated").getAnnotation(JsonView.class);
    assertThat(kept).contains(view);
  }

  @Test
  void everythingElseIsLeftOut() throws Exception {
    assertThat(JacksonAnnotationsOnly.jacksonOnly(of("openApiOnly"))).isEmpty();
    assertThat(JacksonAnnotationsOnly.jacksonOnly(new Annotation[0])).isEmpty();
    assertThat(JacksonAnnotationsOnly.jacksonOnly(null)).isEmpty();
  }
}
