package io.tether.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import org.junit.jupiter.api.Test;

class WireFramesTest {
  private final WireFrames frames = new WireFrames(new UnpooledByteBufAllocator(false), Deflater.DEFAULT_COMPRESSION);

  @Test
  void lengthsUseTheShortestHeaderRfc6455Allows() {
    for (int length : new int[] {0, 125, 126, 65_535, 65_536, 200_000}) {
      byte[] payload = "x".repeat(length).getBytes(StandardCharsets.US_ASCII);
      ByteBuf frame = frames.text(payload, false);
      int header = length < 126 ? 2 : length <= 65_535 ? 4 : 10;
      assertThat(frame.readableBytes()).as("%d bytes", length).isEqualTo(header + length);
      assertThat((int) frame.getUnsignedByte(0)).isEqualTo(0x81); // FIN, text, no RSV1
      int marker = frame.getUnsignedByte(1);
      assertThat(marker & 0x80).as("servers never mask").isZero();
      if (header == 2) {
        assertThat(marker).isEqualTo(length);
      } else if (header == 4) {
        assertThat(marker).isEqualTo(126);
        assertThat(frame.getUnsignedShort(2)).isEqualTo(length);
      } else {
        assertThat(marker).isEqualTo(127);
        assertThat(frame.getLong(2)).isEqualTo(length);
      }
      frame.release();
    }
  }

  @Test
  void theSameArrayIsFramedOnceAndEveryCopyIsReleasedWhenTheNextReplacesIt() {
    byte[] change = "{\"type\":\"change\",\"seq\":1}".getBytes(StandardCharsets.UTF_8);
    ByteBuf first = frames.text(change, false);
    ByteBuf second = frames.text(change, false);
    assertThat(ByteBufUtil.equals(first, second)).isTrue();
    assertThat(first.unwrap()).as("one buffer behind both").isSameAs(second.unwrap());
    ByteBuf shared = first.unwrap();
    assertThat(shared.refCnt()).isEqualTo(3); // the cache's and two sockets'
    first.release();
    second.release();
    frames.text("{\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8), false).release();
    assertThat(shared.refCnt()).as("freed once the next frame replaced it").isZero();
  }

  @Test
  void aCompressedFrameInflatesOnItsOwnAndInsideAContinuingStream() throws Exception {
    String one = "{\"type\":\"change\",\"doc\":\"" + "milk and bread ".repeat(40) + "\"}";
    String two = "{\"type\":\"change\",\"doc\":\"" + "eggs and honey ".repeat(40) + "\"}";
    ByteBuf a = frames.text(one.getBytes(StandardCharsets.UTF_8), true);
    ByteBuf b = frames.text(two.getBytes(StandardCharsets.UTF_8), true);
    assertThat((int) a.getUnsignedByte(0)).as("FIN, RSV1, text").isEqualTo(0xC1);
    assertThat(payload(a).length).isLessThan(one.length() / 4);
    // A client without context takeover inflates each message from an empty window ...
    assertThat(inflate(new Inflater(true), payload(a))).isEqualTo(one);
    assertThat(inflate(new Inflater(true), payload(b))).isEqualTo(two);
    // ... and one with it keeps a single stream: the frames never refer back, so both are valid.
    Inflater stream = new Inflater(true);
    assertThat(inflate(stream, payload(a))).isEqualTo(one);
    assertThat(inflate(stream, payload(b))).isEqualTo(two);
    a.release();
    b.release();
  }

  @Test
  void aStringHandedToEverySeatIsEncodedAndFramedOnce() {
    String diff = "{\"type\":\"presence_diff\",\"count\":3}";
    ByteBuf a = frames.text(diff, false);
    ByteBuf b = frames.text(diff, false);
    assertThat(a.unwrap()).isSameAs(b.unwrap());
    assertThat(a.toString(StandardCharsets.UTF_8)).endsWith(diff);
    a.release();
    b.release();
  }

  @Test
  void shortMessagesGoUncompressedEvenToCompressingSockets() {
    ByteBuf pong = frames.text("{\"type\":\"pong\",\"id\":1}".getBytes(StandardCharsets.UTF_8), true);
    assertThat((int) pong.getUnsignedByte(0)).isEqualTo(0x81);
    pong.release();
  }

  @Test
  void aPingIsAnEmptyControlFrame() {
    ByteBuf ping = frames.ping();
    assertThat(ByteBufUtil.getBytes(ping)).containsExactly((byte) 0x89, (byte) 0x00);
    ping.release();
  }

  private static byte[] payload(ByteBuf frame) {
    int marker = frame.getUnsignedByte(1);
    int header = marker < 126 ? 2 : marker == 126 ? 4 : 10;
    return ByteBufUtil.getBytes(frame, header, frame.readableBytes() - header);
  }

  private static String inflate(Inflater inflater, byte[] payload) {
    return io.tether.support.RawFrames.inflate(inflater, payload);
  }

}
