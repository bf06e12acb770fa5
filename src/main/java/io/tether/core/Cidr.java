package io.tether.core;

import io.netty.util.NetUtil;

/** An address block such as {@code 10.0.0.0/8} or {@code fc00::/7}, matched byte-wise; no name is ever resolved. */
public record Cidr(byte[] prefix, int bits) {

  /** Parses {@code address/bits}, or a bare address (all its bits); null when it is not one. */
  public static Cidr parse(String text) {
    int slash = text.indexOf('/');
    byte[] prefix = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? text.trim() : text.substring(0, slash).trim());
    if (prefix == null) {
      return null;
    }
    try {
      int bits = slash < 0 ? prefix.length * 8 : Integer.parseInt(text.substring(slash + 1).trim());
      return bits < 0 || bits > prefix.length * 8 ? null : new Cidr(prefix, bits);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The bytes of an IP literal, or null when {@code text} is not one. */
  public static byte[] literal(String text) {
    String bare = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
    return NetUtil.createByteArrayFromIpAddressString(bare.trim());
  }

  public boolean contains(byte[] address) {
    if (address == null || address.length != prefix.length) {
      return false;
    }
    int whole = bits / 8;
    for (int i = 0; i < whole; i++) {
      if (address[i] != prefix[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = (0xff << (8 - rest)) & 0xff;
    return (address[whole] & mask) == (prefix[whole] & mask);
  }
}
