package io.tether.core;

import io.vertx.core.json.JsonObject;
import java.util.regex.Pattern;

/**
 * What a user shows others: {@code displayName} (1–100 characters), {@code avatarUrl} (an https URL of
 * at most 2,048 characters) and {@code locale} (a BCP 47 tag such as {@code de-CH}); each may be null.
 */
public record Profile(String displayName, String avatarUrl, String locale) {
  public static final Profile EMPTY = new Profile(null, null, null);

  private static final Pattern LOCALE = Pattern.compile("[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}");

  public JsonObject toJson() {
    return new JsonObject().put("displayName", displayName).put("avatarUrl", avatarUrl).put("locale", locale);
  }

  /** This profile with a {@code PATCH /v1/me} body applied: fields given are set (null clears), others kept. */
  public Profile patched(JsonObject patch) {
    for (String key : patch.fieldNames()) {
      if (!key.equals("displayName") && !key.equals("avatarUrl") && !key.equals("locale")) {
        throw TetherException.badRequest("unknown profile field " + key + " (displayName, avatarUrl, locale)");
      }
    }
    return new Profile(
        patch.containsKey("displayName") ? displayName(patch.getValue("displayName")) : displayName,
        patch.containsKey("avatarUrl") ? avatarUrl(patch.getValue("avatarUrl")) : avatarUrl,
        patch.containsKey("locale") ? locale(patch.getValue("locale")) : locale);
  }

  private static String displayName(Object value) {
    return value == null ? null : name(value, "displayName");
  }

  /** A name people read (a user's or a space's): 1 to 100 characters, no control characters, trimmed. */
  public static String name(Object value, String field) {
    if (!(value instanceof String name) || name.isBlank() || name.codePointCount(0, name.length()) > 100
        || name.chars().anyMatch(Character::isISOControl)) {
      throw TetherException.badRequest(field + " must be 1 to 100 characters, no control characters");
    }
    return name.strip();
  }

  private static String avatarUrl(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String url) || url.length() > 2048 || !url.startsWith("https://") || url.length() < 12
        || url.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '<' || c == '>' || c > 126)) {
      throw TetherException.badRequest("avatarUrl must be an https URL of at most 2048 characters");
    }
    try {
      java.net.URI uri = new java.net.URI(url);
      if (uri.getHost() == null) {
        throw new java.net.URISyntaxException(url, "no host");
      }
    } catch (java.net.URISyntaxException e) {
      throw TetherException.badRequest("avatarUrl must be an https URL of at most 2048 characters");
    }
    return url;
  }

  private static String locale(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String tag) || tag.length() > 35 || !LOCALE.matcher(tag).matches()) {
      throw TetherException.badRequest("locale must be a BCP 47 language tag such as en or de-CH");
    }
    return tag;
  }
}
