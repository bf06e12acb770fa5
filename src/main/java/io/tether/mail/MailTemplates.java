package io.tether.mail;

import io.tether.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The messages Tether sends, each a plain-text template ({@code <name>.txt}: a {@code Subject:} line,
 * a blank line, the body) and optionally an HTML one ({@code <name>.html}, same first lines). The
 * defaults ship in the jar; a file of the same name in {@code mail.templatesDir} replaces one.
 * {@code {{variable}}} is replaced by its value (HTML-escaped in HTML). Templates are read and checked
 * once, at start: a placeholder the message does not have stops the start, not a reset at 3 a.m.
 */
public final class MailTemplates {
  /** Each message and the variables it offers. */
  public static final Map<String, Set<String>> MESSAGES = Map.of(
      "password-reset", Set.of("appName", "email", "code", "link", "minutes"),
      "verify-email", Set.of("appName", "email", "code", "link", "hours"),
      "invite", Set.of("appName", "email", "code", "link", "space", "inviter", "role", "hours"));

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z]+)\\s*}}");
  private static final int MAX_TEMPLATE_BYTES = 256 * 1024;

  private record Template(String subject, String body) {}

  private final Map<String, Template> text = new HashMap<>();
  private final Map<String, Template> html = new HashMap<>();

  private MailTemplates() {}

  /** The shipped templates, with those in {@code directory} (null: none) in their place. */
  public static MailTemplates load(String directory) {
    MailTemplates templates = new MailTemplates();
    for (Map.Entry<String, Set<String>> message : MESSAGES.entrySet()) {
      for (String kind : new String[] {"txt", "html"}) {
        String file = message.getKey() + "." + kind;
        String source = read(directory, file);
        if (source == null) {
          if (kind.equals("txt")) {
            throw new ConfigException("mail.templatesDir", "the jar lacks its template " + file);
          }
          continue;
        }
        Template parsed = parse(file, source, message.getValue());
        (kind.equals("txt") ? templates.text : templates.html).put(message.getKey(), parsed);
      }
    }
    return templates;
  }

  /** The message {@code name} to {@code to}, with {@code values} for its variables. */
  public Email render(String name, String to, Map<String, String> values) {
    Template plain = text.get(name);
    if (plain == null) {
      throw new IllegalArgumentException("no such message: " + name);
    }
    Template rich = html.get(name);
    String subject = fill(plain.subject(), values, false).replaceAll("[\\r\\n]+", " ");
    return new Email(to, subject, fill(plain.body(), values, false), rich == null ? null : fill(rich.body(), values, true));
  }

  private static String read(String directory, String file) {
    if (directory != null) {
      Path path = Path.of(directory, file);
      if (Files.isRegularFile(path)) {
        try {
          if (Files.size(path) > MAX_TEMPLATE_BYTES) {
            throw new ConfigException("mail.templatesDir", path + " is larger than 256 KiB");
          }
          return Files.readString(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new ConfigException("mail.templatesDir", "cannot read " + path + ": " + e.getMessage());
        }
      }
    }
    try (InputStream in = MailTemplates.class.getResourceAsStream("/mail/" + file)) {
      return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Template parse(String file, String source, Set<String> variables) {
    String normalized = source.replace("\r\n", "\n");
    int end = normalized.indexOf('\n');
    if (!normalized.startsWith("Subject:") || end < 0) {
      throw new ConfigException("mail.templatesDir", file + " must start with a \"Subject: ...\" line, then a blank line");
    }
    String subject = normalized.substring("Subject:".length(), end).strip();
    String body = normalized.substring(end + 1).replaceFirst("^\n", "");
    Matcher found = PLACEHOLDER.matcher(normalized);
    while (found.find()) {
      if (!variables.contains(found.group(1))) {
        throw new ConfigException("mail.templatesDir", file + " uses {{" + found.group(1) + "}}, which this message "
            + "does not have (it has " + String.join(", ", new java.util.TreeSet<>(variables)) + ")");
      }
    }
    return new Template(subject, body);
  }

  private static String fill(String template, Map<String, String> values, boolean escapeHtml) {
    Matcher found = PLACEHOLDER.matcher(template);
    StringBuilder out = new StringBuilder();
    while (found.find()) {
      String value = values.getOrDefault(found.group(1), "");
      found.appendReplacement(out, Matcher.quoteReplacement(escapeHtml ? escape(value) : value));
    }
    found.appendTail(out);
    return out.toString();
  }

  private static String escape(String value) {
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
  }
}
