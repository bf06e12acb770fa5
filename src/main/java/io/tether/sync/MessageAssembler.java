package io.tether.sync;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocketFrame;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Joins WebSocket frames into messages with the checks Vert.x leaves out: a message over the size
 * limit however it is fragmented (Vert.x only reports it), and text that is not valid UTF-8 (which
 * RFC 6455 answers with 1007). One per socket; called on its event loop.
 */
final class MessageAssembler {

  /** What a frame completed: nothing yet, a text message, a binary one, or a reason to close. */
  sealed interface Outcome {}

  record Partial() implements Outcome {}

  record Text(String text) implements Outcome {}

  record Binary() implements Outcome {}

  record Refused(short closeCode, String reason) implements Outcome {}

  private static final Partial PARTIAL = new Partial();

  private final java.util.function.IntSupplier maxMessageBytes;
  private Buffer pending;
  private boolean pendingIsText;

  MessageAssembler(int maxMessageBytes) {
    this(() -> maxMessageBytes);
  }

  /** With a limit that may change over the socket's life (smaller before it is authenticated). */
  MessageAssembler(java.util.function.IntSupplier maxMessageBytes) {
    this.maxMessageBytes = maxMessageBytes;
  }

  Outcome accept(WebSocketFrame frame) {
    if (frame.isText() || frame.isBinary()) {
      pending = Buffer.buffer();
      pendingIsText = frame.isText();
    } else if (!frame.isContinuation() || pending == null) {
      return PARTIAL; // control frames are Vert.x's business; a stray continuation is ignored
    }
    pending.appendBuffer(frame.binaryData());
    int max = maxMessageBytes.getAsInt();
    if (pending.length() > max) {
      pending = null;
      return new Refused(CloseCodes.MESSAGE_TOO_BIG, "message over " + max + " bytes");
    }
    if (!frame.isFinal()) {
      return PARTIAL;
    }
    Buffer message = pending;
    pending = null;
    if (!pendingIsText) {
      return new Binary();
    }
    try {
      return new Text(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(message.getBytes())).toString());
    } catch (CharacterCodingException e) {
      return new Refused(CloseCodes.INVALID_PAYLOAD, "text frame is not valid UTF-8");
    }
  }
}
