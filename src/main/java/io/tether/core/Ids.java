package io.tether.core;

import java.util.regex.Pattern;

/** The shapes of names in the protocol; anything else is a 400 before it reaches a store. */
public final class Ids {
  private static final Pattern SPACE = Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final Pattern COLLECTION = Pattern.compile("[A-Za-z0-9_-]{1,64}");
  private static final Pattern DOCUMENT = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Pattern USER = Pattern.compile("[A-Za-z0-9._:@|-]{1,200}");

  private Ids() {}

  public static String space(String value) {
    return check(SPACE, value, "space id must match [A-Za-z0-9._-]{1,64}");
  }

  public static String collection(String value) {
    return check(COLLECTION, value, "collection must match [A-Za-z0-9_-]{1,64}");
  }

  public static String document(String value) {
    return check(DOCUMENT, value, "document id must match [A-Za-z0-9._:-]{1,128}");
  }

  public static String user(String value) {
    return check(USER, value, "user id is malformed");
  }

  private static String check(Pattern pattern, String value, String message) {
    if (value == null || !pattern.matcher(value).matches()) {
      throw TetherException.badRequest(message);
    }
    if (value.equals(".") || value.equals("..")) {
      // A path segment of its own meaning: such an id could not be addressed over REST.
      throw TetherException.badRequest(message.replaceFirst(" must match .*", "") + " cannot be . or ..");
    }
    return value;
  }
}
