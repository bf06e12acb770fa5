package io.tether.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A WebSocket spoken by hand over a plain socket, for clients no library would be: ones that never
 * read, or read only what they choose. The upgrade, and masked text frames.
 */
public final class RawFrames {
  private RawFrames() {}

  /** Sends the upgrade request for {@code path} (with extra header lines) and returns the 101's headers. */
  public static String upgrade(OutputStream out, InputStream in, String path, String... headerLines) throws IOException {
    StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n");
    for (String line : headerLines) {
      request.append(line).append("\r\n");
    }
    out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
    StringBuilder headers = new StringBuilder();
    while (!headers.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("the server hung up during the upgrade: " + headers);
      }
      headers.append((char) b);
    }
    if (!headers.toString().startsWith("HTTP/1.1 101")) {
      throw new IOException("upgrade refused: " + headers);
    }
    return headers.toString();
  }

  /** A masked text frame of any size up to 65,535 bytes (a zero mask). */
  public static byte[] shortText(String message) {
    byte[] payload = message.getBytes(StandardCharsets.UTF_8);
    if (payload.length >= 126) {
      return text(message);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x81);
    out.write(0x80 | payload.length);
    out.writeBytes(new byte[4]);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /** One frame as the server sent it (servers never mask): its first byte (FIN, RSV1-3, opcode) and payload. */
  public record Frame(int head, byte[] payload) {
    public boolean compressed() {
      return (head & 0x40) != 0;
    }

    public int opcode() {
      return head & 0x0f;
    }
  }

  public static Frame readFrame(InputStream in) throws IOException {
    int head = in.read();
    int len = in.read();
    if (head < 0 || len < 0) {
      throw new IOException("the server hung up");
    }
    long length = len & 0x7f;
    if (length == 126) {
      length = (in.read() << 8) | in.read();
    } else if (length == 127) {
      length = 0;
      for (int i = 0; i < 8; i++) {
        length = (length << 8) | in.read();
      }
    }
    byte[] payload = in.readNBytes((int) length);
    if (payload.length != length) {
      throw new IOException("the server hung up mid-frame");
    }
    return new Frame(head, payload);
  }

  /**
   * A masked text frame compressed as permessage-deflate's clients do (RSV1, the message deflated on
   * its own, the trailing {@code 00 00 ff ff} removed), with a zero mask.
   */
  public static byte[] compressedText(String message) {
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
    deflater.setInput(message.getBytes(StandardCharsets.UTF_8));
    byte[] buf = new byte[message.length() + 64];
    int n = deflater.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH);
    deflater.end();
    int length = n - 4;
    if (length > 65_535) {
      throw new IllegalArgumentException("this helper writes 16-bit lengths only");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0xC1);
    if (length < 126) {
      out.write(0x80 | length);
    } else {
      out.write(0x80 | 126);
      out.write(length >> 8);
      out.write(length & 0xff);
    }
    out.writeBytes(new byte[4]);
    out.write(buf, 0, length);
    return out.toByteArray();
  }

  /**
   * Inflates one permessage-deflate message into {@code inflater} (a fresh one per message, or one
   * kept across messages as a client with context takeover does): the tail the sender removed
   * (RFC 7692 7.2.2) is put back first.
   */
  public static String inflate(java.util.zip.Inflater inflater, byte[] payload) {
    byte[] input = java.util.Arrays.copyOf(payload, payload.length + 4);
    input[input.length - 2] = (byte) 0xff;
    input[input.length - 1] = (byte) 0xff;
    inflater.setInput(input);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[4096];
    try {
      int n;
      while ((n = inflater.inflate(buf)) > 0) {
        out.write(buf, 0, n);
      }
    } catch (java.util.zip.DataFormatException e) {
      throw new IllegalStateException("not a deflate message", e);
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  /** A masked text frame of 126 to 65,535 bytes (a zero mask: the payload goes as it is). */
  public static byte[] text(String message) {
    byte[] payload = message.getBytes(StandardCharsets.UTF_8);
    if (payload.length < 126 || payload.length > 65_535) {
      throw new IllegalArgumentException("this helper writes 16-bit lengths only: " + payload.length + " bytes");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0x81);
    out.write(0x80 | 126);
    out.write(payload.length >> 8);
    out.write(payload.length & 0xff);
    out.writeBytes(new byte[4]);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /** A masked frame of any length (a zero mask): {@code head} is FIN, RSV1-3 and the opcode. */
  public static byte[] frame(int head, byte[] payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(head);
    if (payload.length < 126) {
      out.write(0x80 | payload.length);
    } else if (payload.length <= 65_535) {
      out.write(0x80 | 126);
      out.write(payload.length >> 8);
      out.write(payload.length & 0xff);
    } else {
      out.write(0x80 | 127);
      for (int shift = 56; shift >= 0; shift -= 8) {
        out.write((int) ((long) payload.length >>> shift) & 0xff);
      }
    }
    out.writeBytes(new byte[4]);
    out.writeBytes(payload);
    return out.toByteArray();
  }

  /**
   * A permessage-deflate payload (the trailing {@code 00 00 ff ff} removed) of {@code inflatedBytes}
   * spaces: a decompression bomb, about a thousandth of what it inflates to.
   */
  public static byte[] deflatedSpaces(long inflatedBytes) {
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.BEST_COMPRESSION, true);
    byte[] block = new byte[1 << 20];
    java.util.Arrays.fill(block, (byte) ' ');
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buf = new byte[64 * 1024];
    for (long left = inflatedBytes; left > 0; left -= block.length) {
      deflater.setInput(block, 0, (int) Math.min(block.length, left));
      while (!deflater.needsInput()) {
        out.write(buf, 0, deflater.deflate(buf, 0, buf.length, java.util.zip.Deflater.NO_FLUSH));
      }
    }
    int n;
    while ((n = deflater.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH)) > 0) {
      out.write(buf, 0, n);
      if (n < buf.length) {
        break;
      }
    }
    deflater.end();
    byte[] all = out.toByteArray();
    return java.util.Arrays.copyOf(all, all.length - 4);
  }

  /** {@code text} deflated as one permessage-deflate message (the trailing {@code 00 00 ff ff} removed). */
  public static byte[] deflated(String text) {
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
    deflater.setInput(text.getBytes(StandardCharsets.UTF_8));
    byte[] buf = new byte[text.length() + 64];
    int n = deflater.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH);
    deflater.end();
    return java.util.Arrays.copyOf(buf, n - 4);
  }

  /** The close code of a close frame's payload. */
  public static int closeCode(Frame frame) {
    return frame.payload().length < 2 ? -1 : ((frame.payload()[0] & 0xff) << 8) | (frame.payload()[1] & 0xff);
  }

  /** Reads frames until a close frame and returns its code, or -1 when the connection ends without one. */
  public static int awaitClose(InputStream in) {
    try {
      while (true) {
        Frame frame = readFrame(in);
        if (frame.opcode() == 8) {
          return closeCode(frame);
        }
      }
    } catch (IOException e) {
      return -1;
    }
  }
}
