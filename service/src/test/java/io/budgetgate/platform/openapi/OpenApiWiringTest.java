package io.budgetgate.platform.openapi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.budgetgate.platform.http.PingResource;
import io.dropwizard.core.setup.Environment;
import io.swagger.v3.oas.annotations.Hidden;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The startup guard: every JSON resource served is one the document describes. */
class OpenApiWiringTest {

  @Test
  void aServedJsonResourceLeftOutOfTheListStopsStartup() {
    Environment environment = new Environment("openapi-test");
    environment.jersey().register(new PingResource());

    assertThatThrownBy(() -> OpenApiWiring.wire(List.of(), environment))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("PingResource");
  }

  @Test
  void htmlPagesAndHiddenResourcesNeedNotBeListed() {
    Environment environment = new Environment("openapi-test");
    environment.jersey().register(new PingResource());
    environment.jersey().register(new HtmlPage());
    environment.jersey().register(new HiddenJson());

    OpenApiWiring.wire(List.of(PingResource.class), environment);

    assertThat(environment.jersey().getResourceConfig().getClasses()).contains(OpenApiResource.class);
  }

  @Path("/page")
  @Produces(MediaType.TEXT_HTML)
  static final class HtmlPage {
    @GET
    public String page() {
      return "<p>page</p>";
    }
  }

  @Path("/internal")
  @Produces(MediaType.APPLICATION_JSON)
  @Hidden
  static final class HiddenJson {
    @GET
    public String internal() {
      return "{}";
    }
  }
}
