package io.tether.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.extensions.WebSocketExtension;
import io.tether.support.RawFrames;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Issue 32, item 2: compressed messages are inflated under the socket's limit, while they are inflated. */
class InboundCompressionTest {

  private static EmbeddedChannel channel(boolean noContext, int limit) {
    EmbeddedChannel channel = new EmbeddedChannel(new InboundCompression.FrameRules(),
        new InboundCompression.BoundedInflater(noContext));
    channel.attr(InboundCompression.LIMIT).set(() -> limit);
    return channel;
  }


  private static int closeCode(EmbeddedChannel channel) {
    Object out = channel.readOutbound();
    assertThat(out).isInstanceOf(CloseWebSocketFrame.class);
    int code = ((CloseWebSocketFrame) out).statusCode();
    ((CloseWebSocketFrame) out).release();
    return code;
  }

  @Test
  void aBombIsStoppedAtTheLimitWhileItInflates() {
    EmbeddedChannel channel = channel(true, 16 * 1024);
    byte[] bomb = RawFrames.deflatedSpaces(200L << 20);
    long started = System.nanoTime();
    channel.writeInbound(new TextWebSocketFrame(true, WebSocketExtension.RSV1, Unpooled.wrappedBuffer(bomb)));
    long millis = (System.nanoTime() - started) / 1_000_000;
    assertThat((Object) channel.readInbound()).as("nothing of it reaches the socket").isNull();
    assertThat(closeCode(channel)).isEqualTo(1009);
    // 200 MiB inflate in about a second here; 16 KiB in well under a millisecond.
    assertThat(millis).as("stopped at 16 KiB, not inflated to 200 MiB").isLessThan(150);
    assertThat(channel.isOpen()).as("closed after the close frame").isFalse();
  }

  @Test
  void theLimitIsTheSocketsOfTheMoment() {
    int[] limit = {16 * 1024};
    EmbeddedChannel channel = new EmbeddedChannel(new InboundCompression.BoundedInflater(true));
    channel.attr(InboundCompression.LIMIT).set(() -> limit[0]);
    String big = "x".repeat(100 * 1024);
    limit[0] = 1024 * 1024; // authenticated
    channel.writeInbound(new TextWebSocketFrame(true, WebSocketExtension.RSV1, Unpooled.wrappedBuffer(RawFrames.deflated(big))));
    TextWebSocketFrame frame = channel.readInbound();
    assertThat(frame.rsv()).isZero();
    assertThat(frame.text()).isEqualTo(big);
    frame.release();
  }

  @Test
  void fragmentedMessagesAndContextTakeoverInflate() {
    EmbeddedChannel channel = channel(false, 1 << 20);
    java.util.zip.Deflater deflater = new java.util.zip.Deflater(java.util.zip.Deflater.DEFAULT_COMPRESSION, true);
    StringBuilder got = new StringBuilder();
    for (String message : new String[] {"hello hello hello", "hello hello hello again"}) {
      deflater.setInput(message.getBytes(StandardCharsets.UTF_8));
      byte[] buf = new byte[256];
      int n = deflater.deflate(buf, 0, buf.length, java.util.zip.Deflater.SYNC_FLUSH);
      byte[] payload = java.util.Arrays.copyOf(buf, n - 4);
      int half = payload.length / 2;
      channel.writeInbound(new TextWebSocketFrame(false, WebSocketExtension.RSV1, Unpooled.wrappedBuffer(payload, 0, half)));
      channel.writeInbound(new ContinuationWebSocketFrame(true, 0, Unpooled.wrappedBuffer(payload, half, payload.length - half)));
      TextWebSocketFrame first = channel.readInbound();
      ContinuationWebSocketFrame rest = channel.readInbound();
      got.append(first.text()).append(rest.text()).append('|');
      first.release();
      rest.release();
    }
    deflater.end();
    assertThat(got.toString()).isEqualTo("hello hello hello|hello hello hello again|");
  }

  @Test
  void corruptDataClosesWith1007() {
    EmbeddedChannel channel = channel(true, 1 << 20);
    ByteBuf garbage = Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, 0x12, 0x34, 0x56});
    channel.writeInbound(new TextWebSocketFrame(true, WebSocketExtension.RSV1, garbage));
    assertThat(closeCode(channel)).isEqualTo(1007);
  }

  @Test
  void rsvOnAControlFrameClosesWith1002() {
    EmbeddedChannel channel = channel(true, 1 << 20);
    channel.writeInbound(new PingWebSocketFrame(true, WebSocketExtension.RSV1, Unpooled.EMPTY_BUFFER));
    assertThat(closeCode(channel)).isEqualTo(1002);
  }

  @Test
  void rsv1WithoutAnAgreedExtensionClosesWith1002() {
    EmbeddedChannel channel = new EmbeddedChannel(new InboundCompression.FrameRules());
    channel.writeInbound(new TextWebSocketFrame(true, WebSocketExtension.RSV1, Unpooled.wrappedBuffer(RawFrames.deflated("{}"))));
    assertThat(closeCode(channel)).isEqualTo(1002);
    EmbeddedChannel other = new EmbeddedChannel(new InboundCompression.FrameRules());
    other.writeInbound(new TextWebSocketFrame(true, WebSocketExtension.RSV2, Unpooled.wrappedBuffer(new byte[] {'{', '}'})));
    assertThat(closeCode(other)).isEqualTo(1002);
  }
}
