package io.tether.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Issue 34: webhook deliveries carry the Standard Webhooks signature, checked against the specification's own example. */
class WebhookSignatureTest {

  @Test
  void theStandardWebhooksSignatureMatchesTheSpecificationsExample() {
    assertThat(WebhookSignature.standard("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1614265330L, "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  }

  @Test
  void aPlainSecretSignsWithItsOwnBytes() {
    String plain = WebhookSignature.standard("a-plain-owner-secret", "id", 1L, new byte[] {'{', '}'});
    String asWhsec = WebhookSignature.standard("whsec_" + java.util.Base64.getEncoder()
        .encodeToString("a-plain-owner-secret".getBytes(StandardCharsets.UTF_8)), "id", 1L, new byte[] {'{', '}'});
    assertThat(plain).isEqualTo(asWhsec).startsWith("v1,");
  }
}
