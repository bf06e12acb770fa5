package io.tether.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.tether.core.ErrorCode;
import io.tether.core.Failures;
import io.vertx.core.VertxException;
import io.vertx.core.http.ConnectionPoolTooBusyException;
import io.vertx.pgclient.PgException;
import java.net.ConnectException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

/** Which failures of dependencies a client may retry (503), and which are bugs (500). */
class ErrorMappingTest {

  private static ErrorCode mapped(Throwable failure) {
    return Failures.classify(failure, 500).code();
  }

  @Test
  void aDatabaseThatIsRestartingOrBusyAnswers503() {
    assertThat(mapped(new SocketException("Connection reset"))).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(mapped(new ConnectException("Connection refused"))).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(mapped(new PgException("terminating connection due to administrator command", "FATAL", "57P01", null)))
        .isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(mapped(new PgException("the database system is starting up", "FATAL", "57P03", null))).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(mapped(new PgException("too many connections", "FATAL", "53300", null))).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(mapped(new PgException("deadlock detected", "ERROR", "40P01", null))).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(mapped(new ConnectionPoolTooBusyException("Connection pool reached max wait queue size of 3")))
        .isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(mapped(new VertxException("Timeout waiting for connection", true))).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  @Test
  void aBugIsStillA500() {
    assertThat(mapped(new IllegalStateException("oops"))).isEqualTo(ErrorCode.INTERNAL);
    assertThat(mapped(new PgException("syntax error", "ERROR", "42601", null))).isEqualTo(ErrorCode.INTERNAL);
    assertThat(mapped(new PgException("null value violates not-null constraint", "ERROR", "23502", null))).isEqualTo(ErrorCode.INTERNAL);
  }
}
