package io.tether.sync;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.zip.Deflater;

/**
 * Server-to-client WebSocket frames as the bytes that go on the wire, built once per event loop and
 * shared by every socket the loop writes them to. A server frame is never masked (RFC 6455 5.1), so
 * the same bytes are valid on every connection; a live change delivered to a thousand sockets is
 * framed (and, for sockets that negotiated permessage-deflate, compressed) once, not a thousand times.
 *
 * <p>Compressed frames are deflated on their own, from an empty window, and end with a sync flush
 * (RFC 7692 7.2.1, the trailing {@code 00 00 ff ff} removed). A message compressed that way is
 * valid whether or not the connection kept context takeover: it simply never refers back to an
 * earlier one. That is what lets one compressed frame serve every compressing socket, and means a
 * socket keeps no compression state of its own.
 *
 * <p>Confined to its event loop. The cached frames are reference counted: {@link #text} hands out
 * a retained duplicate the caller passes on to the channel, which releases it once written.
 */
final class WireFrames {
  /** Messages shorter than this go uncompressed even to compressing sockets: deflate would not pay. */
  static final int MIN_COMPRESSED_BYTES = 128;

  private static final int FIN_TEXT = 0x81;
  private static final int RSV1 = 0x40;
  private static final int FIN_PING = 0x89;
  private static final int DEFLATE_TAIL = 4;

  private final ByteBufAllocator alloc;
  private final Deflater deflater;
  private byte[] scratch = new byte[8192];
  private String textOf;
  private byte[] textBytes;
  private byte[] plainOf;
  private ByteBuf plain;
  private byte[] deflatedOf;
  private ByteBuf deflated;

  WireFrames(ByteBufAllocator alloc, int compressionLevel) {
    this.alloc = alloc;
    this.deflater = new Deflater(compressionLevel, true);
  }

  /**
   * A text frame carrying {@code utf8}, compressed if {@code compress} and worth it. The frame for
   * the last array seen is kept, so handing the same array to many sockets in a row frames it once;
   * the array must not change after it is passed here.
   */
  ByteBuf text(byte[] utf8, boolean compress) {
    if (compress && utf8.length >= MIN_COMPRESSED_BYTES) {
      if (utf8 != deflatedOf) {
        replaceDeflated(utf8, deflate(utf8));
      }
      return deflated.retainedDuplicate();
    }
    if (utf8 != plainOf) {
      ByteBuf next = frame(FIN_TEXT, utf8, utf8.length);
      if (plain != null) {
        plain.release();
      }
      plain = next;
      plainOf = utf8;
    }
    return plain.retainedDuplicate();
  }

  /**
   * The same for a frame still to encode: a presence diff or signal handed to every seat of a space
   * is encoded and framed once.
   */
  ByteBuf text(String frame, boolean compress) {
    if (frame != textOf) {
      textBytes = frame.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      textOf = frame;
    }
    return text(textBytes, compress);
  }

  /** A ping with no payload. */
  ByteBuf ping() {
    return alloc.directBuffer(2).writeByte(FIN_PING).writeByte(0);
  }

  /** Releases the cached frames (the loop is stopping); a later call frames again. */
  void release() {
    textOf = null;
    textBytes = null;
    if (plain != null) {
      plain.release();
      plain = null;
      plainOf = null;
    }
    replaceDeflated(null, null);
  }

  private void replaceDeflated(byte[] source, ByteBuf frame) {
    if (deflated != null) {
      deflated.release();
    }
    deflated = frame;
    deflatedOf = source;
  }

  private ByteBuf deflate(byte[] utf8) {
    deflater.reset();
    deflater.setInput(utf8);
    // Deflate never grows data by more than a few bytes per 16 KiB block, plus the flush marker.
    int bound = utf8.length + utf8.length / 1000 + 64;
    byte[] out = bound <= scratch.length ? scratch : new byte[bound];
    int length = 0;
    while (true) {
      length += deflater.deflate(out, length, out.length - length, Deflater.SYNC_FLUSH);
      if (length < out.length) {
        break;
      }
      out = java.util.Arrays.copyOf(out, out.length * 2);
    }
    return frame(FIN_TEXT | RSV1, out, length - DEFLATE_TAIL);
  }

  private ByteBuf frame(int firstByte, byte[] payload, int length) {
    int header = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10;
    ByteBuf buf = alloc.directBuffer(header + length);
    buf.writeByte(firstByte);
    if (length < 126) {
      buf.writeByte(length);
    } else if (length <= 0xFFFF) {
      buf.writeByte(126).writeShort(length);
    } else {
      buf.writeByte(127).writeLong(length);
    }
    return buf.writeBytes(payload, 0, length);
  }
}
