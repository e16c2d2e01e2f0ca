package io.budgetgate.platform.http;

import com.fasterxml.jackson.annotation.JacksonAnnotationsInside;
import jakarta.ws.rs.ext.WriterInterceptor;
import jakarta.ws.rs.ext.WriterInterceptorContext;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.util.Arrays;

/**
 * Hands the JSON writer only the resource method's annotations it reads. Jackson's JAX-RS provider
 * looks its cached writer up by the hash of every annotation on the method, and a JDK annotation
 * computes its hash reflectively on each call, nested ones included: our methods carry OpenAPI's
 * {@code @Operation} and several {@code @ApiResponse}s, and hashing them was about 6 % of the
 * request threads' CPU in a profile of the perf load (docs/perf/hot-path.md). The provider reads
 * only Jackson's own annotations ({@code @JsonView}, {@code @JsonRootName}, {@code @JacksonFeatures}
 * and those marked {@link JacksonAnnotationsInside}); those stay, everything else is left out.
 * Response filters have run by then and see the method's annotations as before.
 */
public final class JacksonAnnotationsOnly implements WriterInterceptor {
  private static final Annotation[] NONE = new Annotation[0];

  @Override
  public void aroundWriteTo(WriterInterceptorContext context) throws IOException {
    context.setAnnotations(jacksonOnly(context.getAnnotations()));
    context.proceed();
  }

  static Annotation[] jacksonOnly(Annotation[] annotations) {
    if (annotations == null || annotations.length == 0) {
      return NONE;
    }
    Annotation[] kept = new Annotation[annotations.length];
    int n = 0;
    for (Annotation a : annotations) {
      Class<? extends Annotation> type = a.annotationType();
      if (type.getName().startsWith("com.fasterxml.jackson.") || type.isAnnotationPresent(JacksonAnnotationsInside.class)) {
        kept[n++] = a;
      }
    }
    return n == 0 ? NONE : Arrays.copyOf(kept, n);
  }
}
