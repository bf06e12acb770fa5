package io.tether.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.tether.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MailTemplatesTest {
  private static final Map<String, String> VALUES = Map.of("appName", "Groceries", "email", "ann@example.test",
      "code", "C0DE", "link", "https://x.test/r?c=1&d=2", "minutes", "30");

  @Test
  void theShippedTemplatesFillEveryVariableAndEscapeOnlyInHtml() {
    Email email = MailTemplates.load(null).render("password-reset", "ann@example.test", VALUES);
    assertThat(email.subject()).isEqualTo("Reset your Groceries password");
    assertThat(email.text()).contains("https://x.test/r?c=1&d=2").contains("C0DE").contains("30 minutes").doesNotContain("{{");
    assertThat(email.html()).contains("href=\"https://x.test/r?c=1&amp;d=2\"").doesNotContain("{{");
  }

  @Test
  void aFileInTheDirectoryReplacesTheShippedOneAndOthersStay(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("password-reset.txt"), "Subject: {{appName}}: new password\r\n\r\nCode {{ code }}, link {{link}}\r\n");
    MailTemplates templates = MailTemplates.load(dir.toString());
    Email email = templates.render("password-reset", "ann@example.test", VALUES);
    assertThat(email.subject()).isEqualTo("Groceries: new password");
    assertThat(email.text()).isEqualTo("Code C0DE, link https://x.test/r?c=1&d=2\n");
    assertThat(templates.render("verify-email", "a@b.test", Map.of("appName", "G")).subject()).isEqualTo("Confirm your email for G");
  }

  @Test
  void anUnknownPlaceholderOrAMissingSubjectStopsTheStartNamingTheFile(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("invite.txt"), "Subject: hi\n\n{{password}}\n");
    assertThatThrownBy(() -> MailTemplates.load(dir.toString())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("invite.txt").hasMessageContaining("{{password}}");
    Files.writeString(dir.resolve("invite.txt"), "Hello {{inviter}}\n");
    assertThatThrownBy(() -> MailTemplates.load(dir.toString())).isInstanceOf(ConfigException.class)
        .hasMessageContaining("Subject:");
  }

  @Test
  void aValueCannotBreakTheSubjectIntoHeaders() {
    Email email = MailTemplates.load(null).render("invite", "bob@example.test", Map.of("inviter", "Ann\r\nBcc: all@x.test",
        "space", "S", "appName", "G"));
    assertThat(email.subject()).doesNotContain("\n").doesNotContain("\r").startsWith("Ann Bcc: all@x.test invited you");
    assertThatThrownBy(() -> new Email("a@b.test\r\nBcc: x@y.test", "s", "t", null)).isInstanceOf(IllegalArgumentException.class);
  }
}
